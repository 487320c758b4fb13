package dev.clawgate.auth;

import dev.clawgate.config.ConfigException;
import dev.clawgate.config.ConfigKeys;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.config.KeysFile;
import dev.clawgate.time.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the keys of {@code gateway.auth.keysFile} current: read once at start-up (a bad file then fails the
 * deployment, like any bad key), then checked every {@code gateway.auth.keysFile.pollMs} [2000] ms. The check is
 * scheduled on the gateway's timer but the file is read on {@code io}, a small executor of its own, never on the
 * timer or a container thread; a check that is still running makes the next tick skip. When the content differs from
 * the last one seen it is validated whole ({@link KeysFile#merge}) and either replaces the keys of the
 * {@link CallerDirectory} (one INFO line: how many keys) or is refused, keeping the previous keys, with one WARNING
 * line naming the problem (never a digest or a key). The same bad content, or the same read error, is not logged
 * again. At most {@link KeysFile#MAX_BYTES} bytes are read.
 */
public final class KeysFileWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KeysFileWatcher.class.getName());

    private final Path file;
    private final GatewayConfig config;
    private final CallerDirectory directory;
    private final Executor io;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile Scheduler.Task task;
    private byte[] lastContent;
    private String lastProblem;

    /**
     * @param io where the file is read (a dedicated daemon thread in production, the calling thread in tests)
     */
    public KeysFileWatcher(GatewayConfig config, CallerDirectory directory, Executor io) {
        this.file = config.access().keysFile();
        this.config = config;
        this.directory = directory;
        this.io = io;
    }

    /**
     * Reads the file now (on the calling thread: start-up), then polls on {@code scheduler}.
     *
     * @throws ConfigException naming {@code gateway.auth.keysFile} when it cannot be read or is invalid
     */
    public void start(Scheduler scheduler) {
        byte[] content;
        try {
            content = read();
        } catch (IOException e) {
            throw new ConfigException(ConfigKeys.KEYS_FILE, "cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")");
        }
        apply(content, true);
        long poll = config.access().keysFilePollMs();
        task = scheduler.scheduleWithFixedDelay(this::tick, poll, poll, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (!checking.compareAndSet(false, true)) {
            return;
        }
        try {
            io.execute(() -> {
                try {
                    check();
                } finally {
                    checking.set(false);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            checking.set(false);
        }
    }

    /** Reads the file and applies it when it changed. Runs on {@code io}. */
    synchronized void check() {
        byte[] content;
        try {
            content = read();
        } catch (IOException e) {
            problem("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            return;
        }
        if (!Arrays.equals(content, lastContent)) {
            try {
                apply(content, false);
            } catch (ConfigException e) {
                lastContent = content;
                problem(e.getMessage());
            }
        }
    }

    private void apply(byte[] content, boolean startUp) {
        var keys = KeysFile.merge(content, config);
        lastContent = content;
        lastProblem = null;
        directory.replaceKeys(keys);
        LOG.log(Level.INFO, "clawgate: " + (startUp ? "read " : "reloaded ") + ConfigKeys.KEYS_FILE + " " + file
                + ": " + keys.size() + " keys in effect");
    }

    private void problem(String problem) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            LOG.log(Level.WARNING, "clawgate: " + ConfigKeys.KEYS_FILE + " refused, keeping the previous "
                    + directory.keyCount() + " keys: " + problem);
        }
    }

    private byte[] read() throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes(KeysFile.MAX_BYTES + 1);
            return content;
        }
    }

    @Override
    public void close() {
        Scheduler.Task t = task;
        if (t != null) {
            t.cancel();
        }
    }
}
