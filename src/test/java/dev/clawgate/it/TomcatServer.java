package dev.clawgate.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Tomcat (the distribution the build unpacks into {@code it.tomcat.home}) in its own process on a fresh
 * {@code CATALINA_BASE}: one loopback HTTP connector, no shutdown port, autoDeploy off, and Tomcat's manager
 * application with a {@code manager-script} user, so a test deploys and undeploys the WAR synchronously through
 * {@code /manager/text}. Started the way {@code catalina.sh} starts it (its {@code --add-opens}, so the leak
 * detector runs as in production); every output line is kept ({@link #lines()}) and written to
 * {@code catalina.out} in the base. The token is only in the process environment.
 */
final class TomcatServer implements AutoCloseable {
    private static final String MANAGER_USER = "it-deployer";
    private static final String MANAGER_PASSWORD = "it-deployer-" + Long.toHexString(System.nanoTime());

    private final Process process;
    private final int port;
    private final Path base;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TomcatServer(String name, int port, List<String> properties) throws Exception {
        this.port = port;
        Path home = Path.of(System.getProperty("it.tomcat.home"));
        base = Path.of(System.getProperty("it.work", "target/it-work")).toAbsolutePath().resolve("tomcat-" + name);
        JettyDistribution.deleteTree(base);
        for (String dir : List.of("conf", "logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        for (String file : List.of("catalina.properties", "context.xml", "logging.properties", "web.xml")) {
            Files.copy(home.resolve("conf").resolve(file), base.resolve("conf").resolve(file));
        }
        copyTree(home.resolve("webapps/manager"), base.resolve("webapps/manager"));
        Files.writeString(base.resolve("conf/tomcat-users.xml"), "<tomcat-users><user username=\"" + MANAGER_USER
                + "\" password=\"" + MANAGER_PASSWORD + "\" roles=\"manager-script\"/></tomcat-users>\n");
        Files.writeString(base.resolve("conf/server.xml"), """
                <Server port="-1" shutdown="SHUTDOWN">
                  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener"/>
                  <Listener className="org.apache.catalina.mbeans.GlobalResourcesLifecycleListener"/>
                  <GlobalNamingResources>
                    <Resource name="UserDatabase" auth="Container" type="org.apache.catalina.UserDatabase"
                              factory="org.apache.catalina.users.MemoryUserDatabaseFactory"
                              pathname="conf/tomcat-users.xml"/>
                  </GlobalNamingResources>
                  <Service name="Catalina">
                    <Connector port="%d" address="127.0.0.1" protocol="HTTP/1.1" connectionTimeout="20000"/>
                    <Engine name="Catalina" defaultHost="localhost">
                      <Realm className="org.apache.catalina.realm.UserDatabaseRealm" resourceName="UserDatabase"/>
                      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false"/>
                    </Engine>
                  </Service>
                </Server>
                """.formatted(port));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties")));
        properties.forEach(p -> command.add("-D" + p));
        command.addAll(List.of("-cp", home.resolve("bin/bootstrap.jar") + File.pathSeparator
                + home.resolve("bin/tomcat-juli.jar"), "org.apache.catalina.startup.Bootstrap", "start"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true);
        pb.environment().put("OPENCLAW_GATEWAY_TOKEN", JettyDistribution.TOKEN);
        process = pb.start();
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(started), "tomcat-" + name + "-log");
        pump.setDaemon(true);
        pump.start();
        try {
            started.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Tomcat did not start, see " + base.resolve("catalina.out"), e);
        }
    }

    /** Starts Tomcat on {@code port} with extra JVM system properties ({@code key=value}). */
    static TomcatServer start(String name, int port, String... properties) throws Exception {
        return new TomcatServer(name, port, List.of(properties));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/clawgate";
    }

    long pid() {
        return process.pid();
    }

    /** Every line Tomcat has written so far. */
    List<String> lines() {
        return lines;
    }

    /**
     * Deploys {@code war} at {@code /clawgate} with {@code descriptor} as its context descriptor, through the
     * manager; returns once the application has started (or failed to).
     */
    String deploy(Path war, Path descriptor) throws Exception {
        int from = lines.size();
        String answer = manager("deploy?path=/clawgate&war=" + war.toAbsolutePath().toUri() + "&config="
                + descriptor.toAbsolutePath().toUri());
        // Tomcat's output is read on another thread: wait until its line for this deploy has been read, so every
        // line logged before it (the previous undeploy's leak checks among them) is in lines()
        awaitLine("has finished in", from, 30_000);
        return answer;
    }

    /** Waits (at most {@code timeoutMs}) for a line containing {@code fragment} at index {@code from} or later. */
    void awaitLine(String fragment, int from, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lines) {
            while (lines.subList(Math.min(from, lines.size()), lines.size()).stream()
                    .noneMatch(l -> l.contains(fragment))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IllegalStateException("Tomcat logged no line with '" + fragment + "', see "
                            + base.resolve("catalina.out"));
                }
                lines.wait(left);
            }
        }
    }

    /** Undeploys {@code /clawgate} through the manager; returns once it is stopped and removed. */
    String undeploy() throws Exception {
        return manager("undeploy?path=/clawgate");
    }

    private String manager(String command) throws Exception {
        String auth = Base64.getEncoder().encodeToString((MANAGER_USER + ":" + MANAGER_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/manager/text/" + command)).header("Authorization", "Basic " + auth)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body().strip();
    }

    private void pump(CompletableFuture<Void> started) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter log = new PrintWriter(Files.newBufferedWriter(base.resolve("catalina.out")), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.println(line);
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
                if (line.contains("Server startup in")) {
                    started.complete(null);
                }
            }
            started.completeExceptionally(new IllegalStateException("Tomcat exited: " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            started.completeExceptionally(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Override
    public void close() {
        JettyDistribution.stop(process);
    }
}
