package dev.clawgate.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A private Prometheus process (Debian's {@code prometheus}) on a loopback port, running the shipped
 * {@code deploy/prometheus/prometheus.yml} with only its marked values rewritten: a 1 s scrape and evaluation
 * interval, the rules file from {@code deploy/prometheus}, a gateway target on loopback and a token file. Its TSDB
 * lives in a directory of its own under {@code it.work}. Start-up is awaited by reading Prometheus's own "ready"
 * log line; later waits wake on writes to its write-ahead log (each scrape and each rule evaluation appends to it)
 * and re-check their condition through the HTTP API, a bounded number of times.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path SHIPPED_CONFIG = Path.of("deploy/prometheus/prometheus.yml");
    static final Path RULES = Path.of("deploy/prometheus/clawgate-rules.yml");
    private static final String READY_LINE = "Server is ready to receive web requests.";

    private final Path dir;
    private final Path config;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(int port, int targetPort, String metricsPath, String token) throws Exception {
        this.port = port;
        dir = Path.of(System.getProperty("it.work", "target/it-work")).toAbsolutePath().resolve("prometheus");
        JettyDistribution.deleteTree(dir);
        Files.createDirectories(dir.resolve("data"));
        Path tokenFile = dir.resolve("clawgate.token");
        Files.writeString(tokenFile, token);
        Map<String, String> rewrites = new LinkedHashMap<>();
        rewrites.put("scrape_interval: 15s", "scrape_interval: 1s");
        rewrites.put("evaluation_interval: 15s", "evaluation_interval: 1s");
        rewrites.put("/etc/prometheus/clawgate-rules.yml", RULES.toAbsolutePath().toString());
        rewrites.put("metrics_path: /clawgate/metrics", "metrics_path: " + metricsPath);
        rewrites.put("/etc/prometheus/clawgate.token", tokenFile.toString());
        rewrites.put("- 127.0.0.1:8080", "- 127.0.0.1:" + targetPort);
        String yaml = Files.readString(SHIPPED_CONFIG);
        for (Map.Entry<String, String> r : rewrites.entrySet()) {
            yaml = replaceOnce(yaml, r.getKey(), r.getValue());
        }
        config = dir.resolve("prometheus.yml");
        Files.writeString(config, yaml);
        process = new ProcessBuilder(binary("prometheus"), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--storage.tsdb.retention.time=1h",
                "--web.listen-address=127.0.0.1:" + port, "--log.level=info")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Path log = dir.resolve("prometheus.log");
        Thread pump = new Thread(() -> copyLog(log, ready), "prometheus-log");
        pump.setDaemon(true);
        pump.start();
        try {
            ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Prometheus did not start, see " + log, e);
        }
    }

    /**
     * Starts Prometheus on loopback {@code port}, scraping {@code 127.0.0.1:targetPort} at {@code metricsPath} with
     * {@code token} as bearer credentials.
     */
    static PrometheusServer start(int port, int targetPort, String metricsPath, String token) throws Exception {
        return new PrometheusServer(port, targetPort, metricsPath, token);
    }

    private void copyLog(Path log, CompletableFuture<Void> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                if (line.contains(READY_LINE)) {
                    ready.complete(null);
                }
            }
            ready.completeExceptionally(new IllegalStateException("Prometheus exited"));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException(SHIPPED_CONFIG + " must contain \"" + from + "\" exactly once");
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    /** The path of a Prometheus tool ({@code prometheus}, {@code promtool}). */
    static String binary(String name) {
        for (String d : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
            if (Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        return name;
    }

    static boolean installed() {
        try {
            return new ProcessBuilder(binary("prometheus"), "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The configuration Prometheus runs on (the shipped one, rewritten). */
    Path config() {
        return config;
    }

    /** {@code GET /api/v1/<path>} with query parameters; the {@code data} object of a {@code success} answer. */
    JsonObject api(String path, Map<String, String> params) {
        return data(path, params).asJsonObject();
    }

    /** {@code GET /api/v1/<path>} with query parameters; the {@code data} of a {@code success} answer. */
    JsonValue data(String path, Map<String, String> params) {
        StringBuilder form = new StringBuilder();
        params.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/" + path
                + (form.length() == 0 ? "" : "?" + form))).timeout(Duration.ofSeconds(10)).GET().build();
        String body;
        try {
            body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("Prometheus API " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        JsonObject answer;
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            answer = reader.readObject();
        }
        if (!"success".equals(answer.getString("status", ""))) {
            throw new PromQlError(path + " " + params + ": " + answer.getString("errorType", "")
                    + ": " + answer.getString("error", body));
        }
        return answer.get("data");
    }

    /** The instant-query result of {@code expr} (possibly empty); a {@link PromQlError} when it does not parse. */
    JsonArray query(String expr) {
        return api("query", Map.of("query", expr)).getJsonArray("result");
    }

    /**
     * Waits until {@code condition} holds, checking it after each write to Prometheus's write-ahead log (and at
     * least once a second), at most {@code maxChecks} times.
     */
    void awaitWal(String what, int maxChecks, BooleanSupplier condition) throws Exception {
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.resolve("data/wal").register(watch, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_CREATE);
            for (int i = 0; i < maxChecks; i++) {
                if (condition.getAsBoolean()) {
                    return;
                }
                WatchKey key = watch.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
        throw new AssertionError("Prometheus never got to: " + what + " (" + maxChecks + " checks)");
    }

    /** SIGTERM, then SIGKILL if Prometheus lingers. */
    @Override
    public void close() {
        JettyDistribution.stop(process);
    }

    /** Prometheus refused a query or an API call. */
    static final class PromQlError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PromQlError(String message) {
            super(message);
        }
    }
}
