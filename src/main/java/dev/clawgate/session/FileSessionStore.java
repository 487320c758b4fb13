package dev.clawgate.session;

import dev.clawgate.openai.ChatMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * Transcripts in files under {@code gateway.state.dir}, one append-only file per session:
 * {@code <dir>/<sha256 hex of the session key>.jsonl} (the raw key is never on disk, not even as a name), one
 * {@link TurnRecords} line per committed turn. A commit writes its record and forces it to disk
 * ({@link FileChannel#force}) before its stage completes, so a turn is stored whole or not at all; a torn or corrupt
 * tail is ignored at read and truncated away by the next commit. A new store over the same directory reads
 * everything back.
 *
 * <p>Bounded ({@link SessionLimits}): a lease sees at most {@code maxTranscriptMessages} messages and
 * {@code maxTranscriptBytes} bytes, the newest turns whole. The file itself may grow to twice those bounds by
 * appends; the commit that would pass either is a compaction instead: the kept turns plus the new one are written to
 * {@code <name>.jsonl.tmp}, forced, and renamed over the file atomically. A read never loads more than the last
 * {@code 3 × maxTranscriptBytes} of a file (a larger file, e.g. from an older version, is read from the first record
 * boundary inside that tail and compacted by the next commit), so no turn re-reads an unbounded file.
 *
 * <p>A session whose file was last written {@code idleTtlMs} or more ago ({@code gateway.state.idleTtlMs}
 * [86400000 ms], measured on the injected {@link Clock}, which also sets the file's modification time) reads as empty
 * and is deleted; {@link #prune()} deletes such files even if never touched again. There is no bound on the number
 * of sessions ({@code maxSessions} is the memory store's); disk holds what the TTL lets live.
 *
 * <p>Threads: reads, writes, fsyncs, pruning and the hand-off of a session to its next queued turn all run on this
 * store's {@link StoreExecutor} ({@value StoreExecutor#THREADS} daemon threads named {@code clawgate-store-N}, bounded
 * queue), never on a container, client-selector or timer thread; {@link #close()} stops them and waits.
 */
public final class FileSessionStore implements SessionStore {
    private static final System.Logger LOG = System.getLogger(FileSessionStore.class.getName());
    private static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final Clock clock;
    private final long idleTtlMs;
    private final SessionLimits limits;
    private final StoreExecutor io;
    private final KeyedSequencer sequencer;
    private final TurnRecords records = new TurnRecords();

    /**
     * @param dir       the directory; created if missing
     * @param clock     time source for the idle TTL and the files' modification times
     * @param idleTtlMs idle time after which a session is forgotten, milliseconds, at least 1
     * @param limits    transcript and queue bounds
     * @throws UncheckedIOException when the directory cannot be created
     */
    public FileSessionStore(Path dir, Clock clock, long idleTtlMs, SessionLimits limits) {
        if (idleTtlMs < 1) {
            throw new IllegalArgumentException("idleTtlMs must be positive");
        }
        this.dir = dir;
        this.clock = clock;
        this.idleTtlMs = idleTtlMs;
        this.limits = limits;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the session directory", e);
        }
        this.io = new StoreExecutor();
        this.sequencer = new KeyedSequencer(io, limits.maxQueuedTurns());
    }

    /** With {@link SessionLimits#DEFAULTS}. */
    public FileSessionStore(Path dir, Clock clock, long idleTtlMs) {
        this(dir, clock, idleTtlMs, SessionLimits.DEFAULTS);
    }

    /** The file of a session key: {@code <dir>/<sha256 hex>.jsonl}. */
    public Path fileOf(String key) {
        return dir.resolve(hash(key) + SUFFIX);
    }

    static String hash(String key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public CompletionStage<Lease> acquire(String key) {
        Path file = fileOf(key);
        String name = file.getFileName().toString();
        return sequencer.enter(name).thenApplyAsync(ticket -> {
            try {
                return (Lease) read(file, ticket);
            } catch (IOException | RuntimeException e) {
                ticket.leave();
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
        }, io);
    }

    /** Deletes the session's file on this store's threads, in turn with the turns on it. */
    @Override
    public CompletionStage<Boolean> delete(String key) {
        Path file = fileOf(key);
        return sequencer.enter(file.getFileName().toString()).thenApplyAsync(ticket -> {
            try {
                boolean live;
                try {
                    live = !expired(Files.getLastModifiedTime(file));
                } catch (NoSuchFileException none) {
                    return false;
                }
                return Files.deleteIfExists(file) && live;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the session", e);
            } finally {
                ticket.leave();
            }
        }, io);
    }

    private FileLease read(Path file, KeyedSequencer.Ticket ticket) throws IOException {
        byte[] bytes;
        long offset;
        try {
            if (expired(Files.getLastModifiedTime(file))) {
                Files.deleteIfExists(file);
                return new FileLease(file, ticket, Transcript.EMPTY, 0, 0, false);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                long limit = 3 * limits.maxTranscriptBytes();
                offset = Math.max(0, size - limit);
                bytes = new byte[(int) (size - offset)];
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) >= 0) {
                    // read the tail fully
                }
            }
        } catch (NoSuchFileException e) {
            return new FileLease(file, ticket, Transcript.EMPTY, 0, 0, false);
        }
        int from = 0;
        if (offset > 0) { // start at the first record boundary: JSON escapes newlines, so '\n' ends a record
            while (from < bytes.length && bytes[from] != '\n') {
                from++;
            }
            from++;
        }
        TurnRecords.Decoded d = records.decode(bytes, Math.min(from, bytes.length));
        if (d.validLength() < bytes.length || d.skipped() > 0) {
            LOG.log(Level.WARNING, "clawgate: session file " + file.getFileName() + ": ignored "
                    + (bytes.length - d.validLength()) + " bytes of torn or corrupt tail and " + d.skipped()
                    + " unreadable records");
        }
        Transcript all = new Transcript(d.turns());
        return new FileLease(file, ticket, all.fit(limits), offset + d.validLength(), all.messages().size(),
                offset > 0);
    }

    private boolean expired(FileTime modified) {
        return clock.millis() - modified.toMillis() >= idleTtlMs;
    }

    /** Appends one record after the valid part of the file, truncating a torn tail first, and forces it to disk. */
    private void append(Path file, long validLength, byte[] record) {
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // shorter than what we read: the file was pruned as expired meanwhile, so the session starts afresh
            long start = ch.size() >= validLength ? validLength : 0;
            ch.truncate(start);
            ch.position(start);
            try {
                ByteBuffer buf = ByteBuffer.wrap(record);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            } catch (IOException e) {
                try {
                    ch.truncate(start);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            Files.setLastModifiedTime(file, FileTime.fromMillis(clock.millis()));
            if (created) {
                forceDirectory();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the turn", e);
        }
    }

    /**
     * Replaces the file by {@code kept}'s records, atomically: written to {@code <file>.tmp}, forced, renamed over
     * the file, the directory forced. A crash leaves either the old file or the new one.
     */
    private void rewrite(Path file, Transcript kept) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (Transcript.Turn t : kept.turns()) {
                    ByteBuffer buf = ByteBuffer.wrap(records.encode(t.messages()));
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }
                ch.force(false);
            }
            Files.setLastModifiedTime(tmp, FileTime.fromMillis(clock.millis()));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot store the turn", e);
        }
    }

    /** Makes a new file's directory entry durable (Linux and macOS; a no-op where directories cannot be opened). */
    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory; NTFS journals the entry anyway
        }
    }

    /** Whether the directory exists and can be written. */
    @Override
    public boolean healthy() {
        return !io.isShutdown() && Files.isDirectory(dir) && Files.isWritable(dir);
    }

    /** Deletes expired session files, on this store's pool; a session in use is left alone. */
    @Override
    public void prune() {
        try {
            io.execute(this::pruneNow);
        } catch (RejectedExecutionException closed) {
            // closing
        }
    }

    /** Deletes expired session files now, on the calling thread; returns how many. */
    int pruneNow() {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                KeyedSequencer.Ticket ticket = sequencer.tryEnter(name);
                if (ticket == null) {
                    continue;
                }
                try {
                    if (expired(Files.getLastModifiedTime(file)) && Files.deleteIfExists(file)) {
                        deleted++;
                    }
                } catch (IOException e) {
                    // gone meanwhile or unreadable: the next prune tries again
                } finally {
                    ticket.leave();
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            LOG.log(Level.WARNING, "clawgate: cannot list the session directory: " + e.getClass().getName());
        }
        return deleted;
    }

    @Override
    public void close() {
        io.close();
    }

    /** This store's threads (for tests). */
    StoreExecutor executor() {
        return io;
    }

    private final class FileLease extends SequencedLease {
        private final Path file;
        private final long validLength;
        private final int fileMessages;
        private final boolean compact;

        /**
         * @param validLength  bytes of whole records in the file
         * @param fileMessages messages in the records read (before the bounds were applied)
         * @param compact      the file must be rewritten at the next commit (it was read from a tail)
         */
        FileLease(Path file, KeyedSequencer.Ticket ticket, Transcript transcript, long validLength, int fileMessages,
                  boolean compact) {
            super(ticket, transcript, limits, records);
            this.file = file;
            this.validLength = validLength;
            this.fileMessages = fileMessages;
            this.compact = compact;
        }

        /** Appends the record on the store's thread; compacts instead when the file would pass twice a bound. */
        @Override
        CompletionStage<Void> write(Transcript next, byte[] record) {
            int turnMessages = next.turns().get(next.turns().size() - 1).messages().size();
            boolean rewrite = compact || validLength + record.length > 2 * limits.maxTranscriptBytes()
                    || (long) fileMessages + turnMessages > 2L * limits.maxTranscriptMessages();
            return io.supply(() -> {
                if (rewrite) {
                    rewrite(file, next);
                } else {
                    append(file, validLength, record);
                }
                return null;
            });
        }
    }
}
