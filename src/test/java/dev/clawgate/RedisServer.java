package dev.clawgate;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} process of the test's own, on a free loopback port, with no persistence, so a test can stop
 * it and start it again on the same port; or a Sentinel ({@link #sentinel}), or a cluster node ({@link #clusterNode}),
 * each with its files in a directory of the test's (under {@code target/}). Readiness is read from its log ("Ready to
 * accept connections", a Sentinel's "+monitor"), not waited for; with a directory, the log is copied to
 * {@code redis-<port>.log} (or {@code sentinel-<port>.log}) there. Every process is killed at the end, at the latest
 * when the JVM exits. Fails with a clear message when {@code redis-server} is not installed ({@code .ci/run} installs
 * it and {@code redis-sentinel}).
 */
public final class RedisServer implements AutoCloseable {
    private static final long START_TIMEOUT_SECONDS = 20;

    private final int port;
    private final List<String> args;
    private final String readyMarker;
    private Process process;

    private final Path logFile;

    private RedisServer(int port, List<String> args, String readyMarker, Path logFile) {
        this.logFile = logFile;
        this.port = port;
        this.args = List.copyOf(args);
        this.readyMarker = readyMarker;
    }

    /** Starts a fresh server on a free port, with extra {@code redis-server} arguments (e.g. --requirepass). */
    public static RedisServer start(String... extraArgs) throws IOException {
        return started(freePort(false), null, List.of(extraArgs));
    }

    /** Starts a fresh server on a free port with its working directory {@code dir} (created) and extra arguments. */
    public static RedisServer startIn(Path dir, String... extraArgs) throws IOException {
        return started(freePort(false), dir, List.of(extraArgs));
    }

    /** Starts a cluster node ({@code --cluster-enabled yes}) in {@code dir}, on a port whose bus port is free too. */
    public static RedisServer clusterNode(Path dir, String... extraArgs) throws IOException {
        List<String> all = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"));
        all.addAll(List.of(extraArgs));
        return started(freePort(true), dir, all);
    }

    /**
     * Starts a Sentinel in {@code dir} watching the primary at 127.0.0.1:{@code primaryPort} as {@code master},
     * with quorum {@code quorum} and the given extra {@code sentinel ...} lines of its configuration file.
     */
    public static RedisServer sentinel(Path dir, int primaryPort, String master, int quorum, String... lines)
            throws IOException {
        int port = freePort(false);
        Files.createDirectories(dir);
        Path conf = dir.resolve("sentinel-" + port + ".conf");
        List<String> text = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1",
                "dir " + dir.toAbsolutePath(),
                "sentinel monitor " + master + " 127.0.0.1 " + primaryPort + " " + quorum));
        for (String line : lines) {
            text.add(line);
        }
        Files.write(conf, text);
        File sentinelBinary = new File("/usr/bin/redis-sentinel");
        List<String> command = sentinelBinary.canExecute()
                ? List.of(sentinelBinary.getPath(), conf.toAbsolutePath().toString())
                : List.of(find(), conf.toAbsolutePath().toString(), "--sentinel");
        RedisServer s = new RedisServer(port, command, "+monitor", dir.resolve("sentinel-" + port + ".log"));
        s.startAgain();
        return s;
    }

    private static RedisServer started(int port, Path dir, List<String> extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(find(), "--port", Integer.toString(port), "--save", "",
                "--appendonly", "no", "--bind", "127.0.0.1"));
        if (dir != null) {
            Files.createDirectories(dir);
            command.addAll(List.of("--dir", dir.toAbsolutePath().toString()));
        }
        command.addAll(extraArgs);
        RedisServer server = new RedisServer(port, command, "Ready to accept connections",
                dir == null ? null : dir.resolve("redis-" + port + ".log"));
        server.startAgain();
        return server;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String where() {
        return "127.0.0.1:" + port;
    }

    /** A gateway's Redis connection to this server, with no observers, on {@code scheduler}. */
    public dev.clawgate.cluster.RedisState connect(dev.clawgate.time.Scheduler scheduler) {
        return new dev.clawgate.cluster.RedisState(
                dev.clawgate.config.RedisEndpoint.parse(dev.clawgate.config.ConfigKeys.STATE_REDIS_URL, url()),
                scheduler, kind -> { });
    }

    /** Starts the process (again) on the same port; returns once it accepts connections. */
    public void startAgain() throws IOException {
        process = new ProcessBuilder(args).redirectErrorStream(true).start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        BufferedReader log = new BufferedReader(new InputStreamReader(started.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (java.io.Writer copy = logFile == null ? null : Files.newBufferedWriter(logFile,
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND)) {
                String line;
                while ((line = log.readLine()) != null) {
                    if (copy != null) {
                        copy.write(line + "\n");
                        copy.flush();
                    }
                    if (line.contains(readyMarker)) {
                        ready.complete(true);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.complete(false);
        }, "redis-server-log-" + port);
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("redis-server on port " + port + " exited before it was ready");
            }
        } catch (Exception e) {
            started.destroyForcibly();
            throw e instanceof IOException io ? io : new IOException("redis-server did not start: " + e, e);
        }
    }

    /** Whether the process runs. */
    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops the process (SIGTERM) and waits until it has gone. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    /**
     * Freezes ({@code SIGSTOP}) or thaws ({@code SIGCONT}) the process: frozen, it keeps its connections open but
     * answers nothing, as a server stuck in a long command or a paused VM.
     */
    public void freeze(boolean frozen) throws IOException, InterruptedException {
        Process signal = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        if (!signal.waitFor(10, TimeUnit.SECONDS) || signal.exitValue() != 0) {
            throw new IOException("kill " + (frozen ? "-STOP" : "-CONT") + " failed");
        }
    }

    /** Kills the process (SIGKILL: no shutdown, as a crash) and waits until it has gone. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** A free loopback port; for a cluster node one whose bus port (port + 10000) is free as well. */
    private static int freePort(boolean withBus) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, loopback)) {
                int port = s.getLocalPort();
                if (!withBus) {
                    return port;
                }
                if (port + 10_000 <= 65_535) {
                    try (ServerSocket bus = new ServerSocket(port + 10_000, 1, loopback)) {
                        return port;
                    } catch (IOException taken) {
                        // try another
                    }
                }
            }
        }
        throw new UncheckedIOException(new IOException("no free port pair for a cluster node"));
    }

    private static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        for (String f : new String[] {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
            if (new File(f).canExecute()) {
                return f;
            }
        }
        throw new IllegalStateException("redis-server is not installed: the Redis tests start their own. Install it "
                + "(apt-get install -y redis-server redis-sentinel; .ci/run does this) and run the tests again.");
    }
}
