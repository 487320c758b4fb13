package dev.clawgate.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Jetty 12 distribution (unpacked by the build into {@code it.jetty.home}) running the built WAR in a
 * separate process: a fresh jetty-base with {@code --add-modules=http,ee10-deploy}, a context XML in
 * {@code webapps/}, the token only in the process environment. Start-up is
 * awaited by reading Jetty's own "Started" line, not by sleeping.
 */
final class JettyDistribution implements AutoCloseable {
    /** The bearer token of the container ITs (set by the build; see the pom's {@code it.token}). */
    static final String TOKEN = System.getProperty("it.token", "clawgate-it-token-0123456789-abcdef0123");

    /** The WAR path the context XMLs name; replaced by the built WAR's. */
    private static final String SHIPPED_WAR = "/opt/clawgate/clawgate.war";

    private final Process process;
    private final int port;
    private final Path base;
    private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

    private JettyDistribution(String name, int port, Path contextXml, List<String> decoys, List<String> properties)
            throws Exception {
        this(name, port, contextXml, decoys, properties, List.of());
    }

    private JettyDistribution(String name, int port, Path contextXml, List<String> decoys, List<String> properties,
                              List<String> startArgs) throws Exception {
        this.port = port;
        Path home = Path.of(System.getProperty("it.jetty.home"));
        base = Path.of(System.getProperty("it.work", "target/it-work")).toAbsolutePath().resolve("jetty-" + name);
        deleteTree(base);
        Files.createDirectories(base);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process setup = new ProcessBuilder(java, "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base, "--add-modules=http,ee10-deploy")
                .directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(base.resolve("setup.log").toFile()).start();
        if (!setup.waitFor(60, TimeUnit.SECONDS) || setup.exitValue() != 0) {
            throw new IllegalStateException("jetty-base setup failed, see " + base.resolve("setup.log"));
        }
        String war = Path.of(System.getProperty("it.war")).toAbsolutePath().toString();
        String xml = Files.readString(contextXml);
        if (!xml.contains(SHIPPED_WAR)) {
            throw new IllegalStateException(contextXml + " does not name " + SHIPPED_WAR);
        }
        Files.writeString(base.resolve("webapps/clawgate.xml"), xml.replace(SHIPPED_WAR, war));
        for (String decoy : decoys) {
            Path dir = Files.createDirectories(base.resolve("webapps").resolve(decoy));
            Files.writeString(dir.resolve("index.html"), "decoy " + decoy + "\n");
        }
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        properties.forEach(p -> command.add("-D" + p));
        command.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base, "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        command.addAll(startArgs);
        ProcessBuilder pb = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true);
        pb.environment().put("OPENCLAW_GATEWAY_TOKEN", TOKEN);
        process = pb.start();
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(base.resolve("jetty.log"), started), "jetty-" + name + "-log");
        pump.setDaemon(true);
        pump.start();
        try {
            started.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Jetty did not start, see " + base.resolve("jetty.log"), e);
        }
    }

    /**
     * Starts Jetty on {@code port} with {@code contextXml} (its {@code war} pointed at the built WAR) and extra JVM
     * system properties ({@code key=value}; a system property beats the context's init parameter).
     */
    static JettyDistribution start(String name, int port, Path contextXml, String... properties) throws Exception {
        return new JettyDistribution(name, port, contextXml, List.of(), List.of(properties));
    }

    /**
     * As {@link #start(String, int, Path, String...)}, plus a static web application at each of {@code decoys}
     * (context path {@code /<decoy>/}, answering {@code decoy <name>} at its root): stand-ins for what a stock app
     * server serves beside the gateway (Tomcat's {@code /examples}, {@code /manager}).
     */
    static JettyDistribution startWithDecoys(String name, int port, Path contextXml, List<String> decoys,
                                             String... properties) throws Exception {
        return new JettyDistribution(name, port, contextXml, decoys, List.of(properties));
    }

    /**
     * As {@link #start(String, int, Path, String...)}, with Jetty's hot deployment on: {@code webapps/} is scanned
     * every second, so touching the context XML ({@link #touchContext()}) undeploys and redeploys the WAR.
     */
    static JettyDistribution startScanning(String name, int port, Path contextXml, String... properties)
            throws Exception {
        return new JettyDistribution(name, port, contextXml, List.of(), List.of(properties),
                List.of("jetty.deploy.scanInterval=1"));
    }

    /** Gives the context XML a new modification time: the deployment scanner redeploys the WAR. */
    void touchContext() throws IOException {
        Path xml = base.resolve("webapps/clawgate.xml");
        Files.setLastModifiedTime(xml, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(xml).toMillis() + 2_000));
    }

    long pid() {
        return process.pid();
    }

    /** Every line Jetty has written so far. */
    List<String> lines() {
        return lines;
    }

    /** Waits (at most {@code timeoutMs}) for a line with every one of {@code fragments} at index {@code from} or later. */
    void awaitLine(int from, long timeoutMs, String... fragments) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lines) {
            while (lines.subList(Math.min(from, lines.size()), lines.size()).stream()
                    .noneMatch(l -> java.util.Arrays.stream(fragments).allMatch(l::contains))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IllegalStateException("Jetty logged no line with " + List.of(fragments) + ", see "
                            + base.resolve("jetty.log"));
                }
                lines.wait(left);
            }
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/clawgate";
    }

    int port() {
        return port;
    }

    private void pump(Path logFile, CompletableFuture<Void> started) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.println(line);
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
                if (line.contains("Failed startup of context")) {
                    started.completeExceptionally(new IllegalStateException("the WAR failed to deploy: " + line));
                } else if (line.contains("Started oejs.Server")) {
                    started.complete(null);
                }
            }
            started.completeExceptionally(new IllegalStateException("Jetty exited: " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            started.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        stop(process);
    }

    /** Stops a server process the tests started: SIGTERM (a graceful stop), then SIGKILL after 30 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
