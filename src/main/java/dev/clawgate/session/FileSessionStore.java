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
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transcripts in files under {@code gateway.state.dir}, one append-only file per session:
 * {@code <dir>/<sha256 hex of the session key>.jsonl} (the raw key is never on disk, not even as a name), one
 * {@link TurnRecords} line per committed turn. A commit writes its record and forces it to disk
 * ({@link FileChannel#force}) before it returns, so a turn is stored whole or not at all; a torn or corrupt tail is
 * ignored at read and truncated away by the next commit. A new store over the same directory reads everything back.
 *
 * <p>A session whose file was last written {@code idleTtlMs} or more ago ({@code gateway.state.idleTtlMs}
 * [86400000 ms], measured on the injected {@link Clock}, which also sets the file's modification time) reads as empty
 * and is deleted; {@link #prune()} deletes such files even if never touched again. There is no bound on the number
 * of sessions ({@code maxSessions} is the memory store's); disk holds what the TTL lets live.
 *
 * <p>Threads: reads ({@link #acquire}) and pruning run on this store's own small pool ({@value #THREADS} daemon
 * threads named {@code clawgate-sessions-N}), never on a container thread; a commit writes on the thread that calls
 * it (the run's completion), holding nothing shared by other sessions. {@link #close()} stops the pool.
 */
public final class FileSessionStore implements SessionStore {
    private static final System.Logger LOG = System.getLogger(FileSessionStore.class.getName());
    private static final int THREADS = 2;
    private static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final Clock clock;
    private final long idleTtlMs;
    private final KeyedSequencer sequencer = new KeyedSequencer();
    private final TurnRecords records = new TurnRecords();
    private final ThreadPoolExecutor io;

    /**
     * @param dir       the directory; created if missing
     * @param clock     time source for the idle TTL and the files' modification times
     * @param idleTtlMs idle time after which a session is forgotten, milliseconds, at least 1
     * @throws UncheckedIOException when the directory cannot be created
     */
    public FileSessionStore(Path dir, Clock clock, long idleTtlMs) {
        if (idleTtlMs < 1) {
            throw new IllegalArgumentException("idleTtlMs must be positive");
        }
        this.dir = dir;
        this.clock = clock;
        this.idleTtlMs = idleTtlMs;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the session directory", e);
        }
        AtomicInteger n = new AtomicInteger();
        this.io = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "clawgate-sessions-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        io.allowCoreThreadTimeOut(true);
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

    private FileLease read(Path file, KeyedSequencer.Ticket ticket) throws IOException {
        byte[] bytes;
        try {
            if (expired(Files.getLastModifiedTime(file))) {
                Files.deleteIfExists(file);
                return new FileLease(file, ticket, List.of(), 0);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new FileLease(file, ticket, List.of(), 0);
        }
        TurnRecords.Decoded d = records.decode(bytes);
        if (d.validLength() < bytes.length || d.skipped() > 0) {
            LOG.log(Level.WARNING, "clawgate: session file " + file.getFileName() + ": ignored "
                    + (bytes.length - d.validLength()) + " bytes of torn or corrupt tail and " + d.skipped()
                    + " unreadable records");
        }
        return new FileLease(file, ticket, d.messages(), d.validLength());
    }

    private boolean expired(FileTime modified) {
        return clock.millis() - modified.toMillis() >= idleTtlMs;
    }

    /** Appends one record after the valid part of the file, truncating a torn tail first, and forces it to disk. */
    private void append(Path file, long validLength, List<ChatMessage> turn) {
        byte[] record = records.encode(turn);
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
        io.shutdown();
        try {
            if (!io.awaitTermination(5, TimeUnit.SECONDS)) {
                io.shutdownNow();
            }
        } catch (InterruptedException e) {
            io.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private final class FileLease extends SequencedLease {
        private final Path file;
        private final long validLength;

        FileLease(Path file, KeyedSequencer.Ticket ticket, List<ChatMessage> transcript, long validLength) {
            super(ticket, transcript);
            this.file = file;
            this.validLength = validLength;
        }

        @Override
        void write(List<ChatMessage> turn) {
            append(file, validLength, turn);
        }
    }
}
