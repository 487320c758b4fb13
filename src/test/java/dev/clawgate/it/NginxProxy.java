package dev.clawgate.it;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private nginx process in front of a container, running the shipped {@code deploy/nginx/clawgate.conf} with only
 * its listen address and upstream server rewritten to loopback test ports. It runs in the foreground
 * ({@code daemon off}) with its own prefix, pid file and logs, and is stopped by the test. Start-up is awaited by
 * watching for its pid file, which nginx writes once its listening socket is bound.
 */
final class NginxProxy implements AutoCloseable {
    private static final Pattern LISTEN = Pattern.compile("(?m)^(\\s*listen\\s+)[^;]+;");
    private static final Pattern UPSTREAM = Pattern.compile("(?m)^(\\s*server\\s+)127\\.0\\.0\\.1:8080;");

    private final Process process;
    private final int port;

    private NginxProxy(int port, int backendPort) throws Exception {
        this.port = port;
        Path dir = Path.of(System.getProperty("it.work", "target/it-work")).toAbsolutePath().resolve("nginx");
        JettyDistribution.deleteTree(dir);
        Files.createDirectories(dir.resolve("temp"));
        String shipped = Files.readString(Path.of("deploy/nginx/clawgate.conf"));
        String site = replaceOnce(LISTEN, replaceOnce(UPSTREAM, shipped, "127.0.0.1:" + backendPort + ";"),
                "127.0.0.1:" + port + ";");
        Files.writeString(dir.resolve("clawgate.conf"), site);
        Path pid = dir.resolve("nginx.pid");
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                "daemon off;",
                "worker_processes 1;",
                "pid " + pid + ";",
                "error_log " + dir.resolve("error.log") + " info;",
                isRoot() ? "user root;" : "",
                "events { worker_connections 64; }",
                "http {",
                "  access_log " + dir.resolve("access.log") + ";",
                "  client_body_temp_path " + dir.resolve("temp/body") + ";",
                "  proxy_temp_path " + dir.resolve("temp/proxy") + ";",
                "  fastcgi_temp_path " + dir.resolve("temp/fastcgi") + ";",
                "  uwsgi_temp_path " + dir.resolve("temp/uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("temp/scgi") + ";",
                "  include " + dir.resolve("clawgate.conf") + ";",
                "}", ""));
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            process = new ProcessBuilder(nginx(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
                    "-c", dir.resolve("nginx.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(pid)) {
                WatchKey key = watch.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (key == null || !process.isAlive()) {
                    close();
                    throw new IllegalStateException("nginx did not start, see " + dir);
                }
                key.pollEvents();
                key.reset();
            }
        }
    }

    /** Starts nginx on loopback {@code port} in front of {@code 127.0.0.1:backendPort}. */
    static NginxProxy start(int port, int backendPort) throws Exception {
        return new NginxProxy(port, backendPort);
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/clawgate";
    }

    private static String replaceOnce(Pattern pattern, String text, String value) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("deploy/nginx/clawgate.conf has no line matching " + pattern);
        }
        String out = text.substring(0, m.start()) + m.group(1) + value + text.substring(m.end());
        if (pattern.matcher(out.substring(m.start() + m.group(1).length() + value.length())).find()) {
            throw new IllegalStateException("deploy/nginx/clawgate.conf has more than one line matching " + pattern);
        }
        return out;
    }

    private static String nginx() {
        for (String candidate : new String[] {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "nginx";
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** SIGTERM (nginx's fast shutdown), then SIGKILL if it lingers. */
    @Override
    public void close() {
        JettyDistribution.stop(process);
    }

    static boolean installed() {
        try {
            return new ProcessBuilder(nginx(), "-v").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
