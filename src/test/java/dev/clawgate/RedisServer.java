package dev.clawgate;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} process of the test's own, on a free loopback port, with no persistence, so a test can stop
 * it and start it again on the same port. Readiness is read from its log ("Ready to accept connections"), not waited
 * for. Fails with a clear message when {@code redis-server} is not installed ({@code .ci/run} installs it).
 */
public final class RedisServer implements AutoCloseable {
    private static final long START_TIMEOUT_SECONDS = 20;

    private final int port;
    private final String[] extraArgs;
    private Process process;

    private RedisServer(int port, String[] extraArgs) {
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /** Starts a fresh server on a free port, with extra {@code redis-server} arguments (e.g. --requirepass). */
    public static RedisServer start(String... extraArgs) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RedisServer server = new RedisServer(port, extraArgs);
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

    /** Starts the process (again) on the same port; returns once it accepts connections. */
    /** A gateway's Redis connection to this server, with no observers, on {@code scheduler}. */
    public dev.clawgate.cluster.RedisState connect(dev.clawgate.time.Scheduler scheduler) {
        return new dev.clawgate.cluster.RedisState(
                dev.clawgate.config.RedisEndpoint.parse(dev.clawgate.config.ConfigKeys.STATE_REDIS_URL, url()),
                scheduler, kind -> { });
    }

    public void startAgain() throws IOException {
        String binary = find();
        List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--save", "",
                "--appendonly", "no", "--bind", "127.0.0.1"));
        command.addAll(List.of(extraArgs));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader log = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        java.util.concurrent.CompletableFuture<Boolean> ready = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = log.readLine()) != null) {
                    if (line.contains("Ready to accept connections")) {
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
            process.destroyForcibly();
            throw e instanceof IOException io ? io : new IOException("redis-server did not start: " + e, e);
        }
    }

    /** Stops the process and waits until it has gone. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
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
                + "(apt-get install -y redis-server; .ci/run does this) and run the tests again.");
    }
}
