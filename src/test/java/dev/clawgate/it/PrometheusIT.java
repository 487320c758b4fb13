package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped monitoring files against a real Prometheus (Debian's {@code prometheus}; {@code .ci/run} installs
 * it, {@code -Dit.prometheus.skip=true} skips this class): Prometheus runs {@code deploy/prometheus/prometheus.yml}
 * (1 s intervals) with {@code clawgate-rules.yml}, scraping an embedded gateway under a little load — ok streams
 * and plain answers, an agent whose upstream refuses connections, 401s and a lockout, a rate-limited client. Then
 * every rule and every dashboard query is evaluated through Prometheus's HTTP API: each must parse and return
 * series, so a renamed metric or label breaks the build, not the dashboard. An alert that rightly does not fire
 * returns nothing; then each of its selectors must return series on its own.
 */
class PrometheusIT {
    private static final Pattern RULE_LINE = Pattern.compile("(?m)^\\s*-\\s*(record|alert):\\s*(\\S+)");
    /** Grafana's interval variables, as the test evaluates them (data spans seconds; a 1 m window holds it all). */
    private static final Map<String, String> INTERVALS = Map.of("__rate_interval", "1m", "__interval", "1s",
            "__range", "5m");

    static GatewayServer gateway;
    static PrometheusServer prometheus;

    @BeforeAll
    static void start() throws Exception {
        assumeFalse(Boolean.getBoolean("it.prometheus.skip"), "it.prometheus.skip is set");
        assertTrue(PrometheusServer.installed(), "prometheus is not installed: run .ci/run, or apt-get install -y "
                + "prometheus, or skip with -Dit.prometheus.skip=true");
        gateway = GatewayServer.start(
                "gateway.metrics.enabled", "true",
                "gateway.trustedProxies", "127.0.0.1",
                "gateway.auth.rateLimit.maxAttempts", "2",
                "gateway.http.rateLimit.requestsPerMinute", "120",
                "gateway.http.rateLimit.burst", "2",
                "models.providers.dead.baseUrl", "http://127.0.0.1:" + closedPort() + "/v1",
                "models.providers.dead.timeoutMs", "2000",
                "agents.main.model", "echo/echo",
                "agents.broken.model", "dead/m");
        prometheus = PrometheusServer.start(Integer.getInteger("it.prometheus.port", freePort()), gateway.port(),
                "/metrics", GatewayServer.TOKEN);

        // Phase 1: every kind of event once. Each client has its own forwarded address (the gateway trusts
        // loopback as a proxy), so the lockout and the rate limit hit these clients and never the scraper.
        CountDownLatch finished = MetricsTest.finishedRequests(gateway, 4);
        chat("10.7.0.1", "main", true).then().statusCode(200);
        chat("10.7.0.2", "main", false).then().statusCode(200);
        chat("10.7.0.3", "broken", false).then().statusCode(502);
        chat("10.7.0.4", "broken", true).then().statusCode(502);
        assertTrue(finished.await(20, TimeUnit.SECONDS), "the four chat requests finished");
        for (int i = 0; i < 2; i++) {
            api("10.9.9.9", "Bearer wrong-" + i).get("/v1/models").then().statusCode(401);
        }
        api("10.9.9.9", "Bearer " + GatewayServer.TOKEN).get("/v1/models").then().statusCode(429);
        int status = 0;
        for (int i = 0; i < 10 && status != 429; i++) { // burst 2: the third request within 0.5 s is refused
            status = api("10.8.8.8", "Bearer " + GatewayServer.TOKEN).get("/v1/models").statusCode();
        }
        assertEquals(429, status, "the rate limiter refused 10.8.8.8");
        awaitScrapeAfter(Instant.now());

        // Phase 2: the broken agent fails again and main succeeds again, so the rates over series that phase 1
        // created have two different samples
        finished = MetricsTest.finishedRequests(gateway, 2);
        chat("10.7.0.5", "broken", false).then().statusCode(502);
        chat("10.7.0.6", "main", false).then().statusCode(200);
        assertTrue(finished.await(20, TimeUnit.SECONDS), "the two chat requests finished");
        Instant second = awaitScrapeAfter(awaitScrapeAfter(Instant.now()));
        prometheus.awaitWal("every rule group evaluated after the last scrape", 30, () -> {
            JsonArray groups = prometheus.api("rules", Map.of()).getJsonArray("groups");
            return groups.stream().map(JsonValue::asJsonObject)
                    .allMatch(g -> Instant.parse(g.getString("lastEvaluation")).isAfter(second));
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static io.restassured.specification.RequestSpecification api(String client, String authorization) {
        return given().baseUri(gateway.baseUrl()).header("Authorization", authorization)
                .header("X-Forwarded-For", client);
    }

    private static io.restassured.response.Response chat(String client, String agent, boolean stream) {
        return api(client, "Bearer " + GatewayServer.TOKEN).contentType("application/json")
                .body("{\"model\":\"openclaw:" + agent + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}")
                .post("/v1/chat/completions");
    }

    /** Waits for a successful scrape that started after {@code after}; returns when it started. */
    private static Instant awaitScrapeAfter(Instant after) throws Exception {
        Instant[] seen = new Instant[1];
        prometheus.awaitWal("a scrape after " + after, 30, () -> {
            JsonArray targets = prometheus.api("targets", Map.of("state", "active")).getJsonArray("activeTargets");
            if (targets.isEmpty()) {
                return false; // service discovery has not handed over the target yet
            }
            JsonObject target = targets.getJsonObject(0);
            seen[0] = Instant.parse(target.getString("lastScrape"));
            return seen[0].isAfter(after) && "up".equals(target.getString("health"));
        });
        return seen[0];
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A loopback port nothing listens on (one just released): the broken agent's upstream, connection refused. */
    private static int closedPort() throws IOException {
        return freePort();
    }

    // ---- promtool -------------------------------------------------------------------------------------------

    @Test
    void promtoolChecksTheRulesRunsTheirUnitTestsAndAcceptsTheConfigPrometheusRuns() throws Exception {
        promtool("check", "rules", PrometheusServer.RULES.toString());
        promtool("test", "rules", "deploy/prometheus/clawgate-rules.test.yml");
        promtool("check", "config", prometheus.config().toString());
    }

    private static void promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PrometheusServer.binary("promtool")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool " + String.join(" ", args) + " finished");
        assertEquals(0, p.exitValue(), "promtool " + String.join(" ", args) + ":\n" + out);
    }

    // ---- rules ----------------------------------------------------------------------------------------------

    private static List<JsonObject> loadedRules() {
        List<JsonObject> rules = new ArrayList<>();
        for (JsonValue g : prometheus.api("rules", Map.of()).getJsonArray("groups")) {
            g.asJsonObject().getJsonArray("rules").forEach(r -> rules.add(r.asJsonObject()));
        }
        return rules;
    }

    /** The names of the rules in the file, read from its {@code - record:} and {@code - alert:} lines. */
    private static List<String> rulesInFile() throws IOException {
        Matcher m = RULE_LINE.matcher(Files.readString(PrometheusServer.RULES));
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(2));
        }
        return names;
    }

    @Test
    void prometheusLoadedEveryRuleOfTheFileAndEvaluatesEachWithoutError() throws IOException {
        List<String> inFile = rulesInFile();
        List<JsonObject> loaded = loadedRules();
        assertEquals(inFile.stream().sorted().toList(),
                loaded.stream().map(r -> r.getString("name")).sorted().toList());
        for (JsonObject rule : loaded) {
            assertEquals("ok", rule.getString("health"), rule.getString("name") + ": "
                    + rule.getString("lastError", ""));
        }
    }

    @Test
    void everyRecordingRuleReturnsSeriesAndEveryAlertReturnsSeriesOrEachOfItsSelectorsDoes() throws IOException {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (JsonObject rule : loadedRules()) {
            String name = rule.getString("name");
            String expr = rule.getString("query");
            checked++;
            try {
                if (!prometheus.query(expr).isEmpty()) {
                    continue;
                }
                if ("recording".equals(rule.getString("type"))) {
                    failures.add(name + " returned no series: " + expr);
                } else {
                    failures.addAll(emptySelectors(name, expr));
                }
            } catch (PrometheusServer.PromQlError e) {
                failures.add(name + ": " + e.getMessage());
            }
        }
        assertEquals(rulesInFile().size(), checked, "rules evaluated");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static List<String> emptySelectors(String name, String expr) {
        List<String> empty = new ArrayList<>();
        List<String> selectors = PromQl.selectors(expr);
        if (selectors.isEmpty()) {
            empty.add(name + " returned no series and names no metric: " + expr);
        }
        for (String selector : selectors) {
            if (prometheus.query(selector).isEmpty()) {
                empty.add(name + ": selector " + selector + " matches no series");
            }
        }
        return empty;
    }

    @Test
    void everyAlertCarriesASeverityASummaryADescriptionAndARunbook() {
        for (JsonObject rule : loadedRules()) {
            if (!"alerting".equals(rule.getString("type"))) {
                continue;
            }
            String name = rule.getString("name");
            assertTrue(Set.of("warning", "critical").contains(rule.getJsonObject("labels").getString("severity", "")),
                    name + " severity");
            JsonObject annotations = rule.getJsonObject("annotations");
            for (String key : List.of("summary", "description", "runbook")) {
                assertFalse(annotations.getString(key, "").isBlank(), name + " has no " + key);
            }
        }
    }

    @Test
    void theUpstreamErrorRatioReadsOneForTheBrokenAgentAndZeroForEcho() {
        Map<String, Double> ratio = new HashMap<>();
        for (JsonValue v : prometheus.query("clawgate:upstream_error_ratio:rate5m")) {
            JsonObject sample = v.asJsonObject();
            ratio.put(sample.getJsonObject("metric").getString("agent"),
                    Double.parseDouble(sample.getJsonArray("value").getString(1)));
        }
        assertEquals(Map.of("broken", 1.0, "main", 0.0), ratio);
    }

    @Test
    void anAgentWhoseUpstreamNeverAnswersIsPendingForNoUpstreamSuccessAndEchoIsNot() {
        List<String> pending = new ArrayList<>();
        for (JsonValue v : prometheus.api("alerts", Map.of()).getJsonArray("alerts")) {
            JsonObject labels = v.asJsonObject().getJsonObject("labels");
            if ("ClawgateNoUpstreamSuccess".equals(labels.getString("alertname"))) {
                pending.add(labels.getString("agent") + " " + v.asJsonObject().getString("state"));
            }
        }
        assertEquals(List.of("broken pending"), pending);
    }

    // ---- dashboard ------------------------------------------------------------------------------------------

    @Test
    void everyDashboardPanelQueriesThroughTheDatasourceVariable() throws IOException {
        GrafanaDashboard dashboard = GrafanaDashboard.load();
        JsonObject ds = dashboard.variables().get(0);
        assertEquals("DS_PROMETHEUS", ds.getString("name"));
        assertEquals("datasource", ds.getString("type"));
        assertEquals("prometheus", ds.getString("query"));
        List<JsonObject> panels = dashboard.panels();
        assertTrue(panels.size() >= 15, "panels: " + panels.size());
        for (JsonObject panel : panels) {
            String title = panel.getString("title");
            assertEquals("${DS_PROMETHEUS}", panel.getJsonObject("datasource").getString("uid"), title);
            assertFalse(panel.getJsonArray("targets").isEmpty(), title + " has no query");
            for (JsonValue t : panel.getJsonArray("targets")) {
                assertEquals("${DS_PROMETHEUS}", t.asJsonObject().getJsonObject("datasource").getString("uid"),
                        title);
            }
        }
        assertEquals(panels.size(), panels.stream().map(p -> p.getInt("id")).distinct().count(), "unique ids");
    }

    @Test
    void everyDashboardVariableFindsValuesAndEveryPanelQueryReturnsSeries() throws IOException {
        GrafanaDashboard dashboard = GrafanaDashboard.load();
        Map<String, String> values = new LinkedHashMap<>(INTERVALS);
        values.put("DS_PROMETHEUS", "${DS_PROMETHEUS}");
        for (JsonObject variable : dashboard.variables()) {
            if (!"query".equals(variable.getString("type"))) {
                continue;
            }
            String name = variable.getString("name");
            TreeSet<String> found = labelValues(GrafanaDashboard.substitute(variable.getString("query"),
                    values::get));
            assertFalse(found.isEmpty(), "variable " + name + " finds no values");
            // Grafana's value for a multi-value variable with every value selected: a regex alternation
            values.put(name, variable.getBoolean("multi", false)
                    ? found.stream().map(PrometheusIT::regexEscape)
                            .collect(Collectors.joining("|", "(", ")"))
                    : found.first());
        }
        assertEquals("clawgate", values.get("job"));
        assertEquals("(broken|main)", values.get("agent"));

        List<String> failures = new ArrayList<>();
        Map<String, String> expressions = dashboard.expressions();
        for (Map.Entry<String, String> e : expressions.entrySet()) {
            String expr = GrafanaDashboard.substitute(e.getValue(), values::get);
            try {
                if (prometheus.query(expr).isEmpty()) {
                    failures.add(e.getKey() + " returned no series: " + expr);
                }
                failures.addAll(emptySelectors(e.getKey(), expr));
            } catch (PrometheusServer.PromQlError err) {
                failures.add(e.getKey() + ": " + err.getMessage());
            }
        }
        assertTrue(expressions.size() >= 25, "queries: " + expressions.size());
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Label values as Grafana's {@code label_values(selector, label)} finds them, through the series API. */
    private static TreeSet<String> labelValues(String query) {
        Matcher m = GrafanaDashboard.LABEL_VALUES.matcher(query);
        assertTrue(m.matches(), "not a label_values(...) query: " + query);
        assertTrue(m.group(1) != null, "label_values without a selector scans every series: " + query);
        TreeSet<String> found = new TreeSet<>();
        for (JsonValue series : prometheus.data("series", Map.of("match[]", m.group(1))).asJsonArray()) {
            String value = series.asJsonObject().getString(m.group(2), "");
            if (!value.isEmpty()) {
                found.add(value);
            }
        }
        return found;
    }

    /** A value escaped as Grafana does for a Prometheus regex matcher: regex metacharacters, then the backslash. */
    private static String regexEscape(String value) {
        return value.replaceAll("[\\\\.^$|?*+()\\[\\]{}]", "\\\\\\\\$0");
    }
}
