package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import dev.clawgate.events.RequestRecord;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * Client API keys (issue 12) over HTTP against the real web.xml: the allowlist, the filtered model list,
 * {@code /metrics} for the operator only, expiry and the lockout, the request limit and the token quota (on a fake
 * clock), sessions private to their caller, and no key or digest in any log or body.
 */
class KeysTest {
    static final String CHAT = "/v1/chat/completions";
    static final String KEY_A = "ka-0123456789abcdef0123456789abcdef";
    static final String KEY_B = "kb-0123456789abcdef0123456789abcdef";
    static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}";

    static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** Params declaring key {@code name} for {@code key} with {@code agents}, plus {@code more}. */
    static String[] key(String name, String key, String agents, String... more) throws Exception {
        String[] base = {"gateway.auth.keys." + name + ".sha256", sha256(key), "gateway.auth.keys." + name + ".agents",
                agents};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        for (int i = 0; i < more.length; i += 2) {
            all[base.length + i] = "gateway.auth.keys." + name + "." + more[i];
            all[base.length + i + 1] = more[i + 1];
        }
        return all;
    }

    static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    static final String[] TWO_AGENTS = {"agents.main.model", "echo/echo", "agents.coder.model", "echo/echo"};

    static RequestSpecification as(GatewayServer server, String secret) {
        return given().baseUri(server.baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + secret);
    }

    /** Finished requests, so a test waits for a run's charge instead of sleeping. */
    static BlockingQueue<RequestRecord> finished(GatewayServer server) {
        BlockingQueue<RequestRecord> q = new LinkedBlockingQueue<>();
        server.gateway().onRequestFinished(q::add);
        return q;
    }

    static RequestRecord next(BlockingQueue<RequestRecord> q) throws InterruptedException {
        RequestRecord r = q.poll(10, TimeUnit.SECONDS);
        assertNotNull(r, "no request finished");
        return r;
    }

    @Test
    void aKeyOutsideItsAgentsGets403AgentNotAllowedByModelAndByHeader() throws Exception {
        try (GatewayServer server = GatewayServer.start(concat(TWO_AGENTS, key("team-a", KEY_A, "coder")))) {
            as(server, KEY_A).body(BODY.replace("{\"messages\"", "{\"model\":\"openclaw:main\",\"messages\""))
                    .post(CHAT).then().statusCode(403)
                    .body("error.type", equalTo("permission_error"))
                    .body("error.param", equalTo("model"))
                    .body("error.code", equalTo("agent_not_allowed"));
            as(server, KEY_A).header("x-openclaw-agent-id", "main").body(BODY).post(CHAT).then().statusCode(403)
                    .body("error.code", equalTo("agent_not_allowed"));
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(403); // the default agent is main
            as(server, KEY_A).header("x-openclaw-agent-id", "coder").body(BODY).post(CHAT).then().statusCode(200);
            as(server, KEY_A).body(BODY.replace("{\"messages\"", "{\"model\":\"openclaw/coder\",\"messages\""))
                    .post(CHAT).then().statusCode(200);
            as(server, GatewayServer.TOKEN).body(BODY).post(CHAT).then().statusCode(200);
        }
    }

    @Test
    void theModelListShowsOnlyTheKeysAgentsAndAnotherAgentIs404() throws Exception {
        try (GatewayServer server = GatewayServer.start(concat(TWO_AGENTS, key("team-a", KEY_A, "coder")))) {
            List<String> ids = as(server, KEY_A).get("/v1/models").then().statusCode(200).extract()
                    .jsonPath().getList("data.id");
            assertEquals(List.of("openclaw/coder", "openclaw:coder"), ids);
            as(server, KEY_A).get("/v1/models/openclaw:main").then().statusCode(404)
                    .body("error.code", equalTo("model_not_found"));
            as(server, KEY_A).get("/v1/models/openclaw").then().statusCode(404);
            as(server, KEY_A).get("/v1/models/openclaw:coder").then().statusCode(200)
                    .body("id", equalTo("openclaw:coder"));
            assertEquals(6, as(server, GatewayServer.TOKEN).get("/v1/models").then().statusCode(200).extract()
                    .jsonPath().getList("data.id").size());
        }
    }

    @Test
    void metricsAreForTheOperatorSecretOnly() throws Exception {
        try (GatewayServer server = GatewayServer.start(concat(key("team-a", KEY_A, "*"),
                new String[] {"gateway.metrics.enabled", "true"}))) {
            as(server, KEY_A).get("/metrics").then().statusCode(403)
                    .body("error.type", equalTo("permission_error"));
            as(server, GatewayServer.TOKEN).get("/metrics").then().statusCode(200);
        }
    }

    @Test
    void unknownDisabledAndExpiredKeysAre401AndCountTowardsTheLockout() throws Exception {
        FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:00Z"));
        try (GatewayServer server = GatewayServer.startWithClock(clock, concat(
                key("temp", KEY_A, "*", "expiresAt", "2026-03-02"),
                key("off", KEY_B, "*", "enabled", "false"),
                new String[] {"gateway.auth.rateLimit.maxAttempts", "3",
                        "gateway.auth.rateLimit.exemptLoopback", "false"}))) {
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(200);
            clock.advance(Duration.ofHours(12));
            as(server, KEY_B).body(BODY).post(CHAT).then().statusCode(401)
                    .body("error.code", equalTo("invalid_api_key"));
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(401)
                    .body("error.code", equalTo("invalid_api_key"));
            as(server, "never-issued").body(BODY).post(CHAT).then().statusCode(401);
            // three wrong secrets: locked out, even with the operator secret
            as(server, GatewayServer.TOKEN).body(BODY).post(CHAT).then().statusCode(429)
                    .body("error.code", equalTo("auth_lockout"));
        }
    }

    @Test
    void aKeysRequestLimitIs429AndEveryResponseToItCarriesTheHeaders() throws Exception {
        try (GatewayServer server = GatewayServer.start(key("team-a", KEY_A, "*", "requestsPerMinute", "2"))) {
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-limit-requests", "2")
                    .header("x-ratelimit-remaining-requests", "1");
            as(server, KEY_A).get("/v1/models").then().statusCode(200)
                    .header("x-ratelimit-remaining-requests", "0")
                    .header("x-ratelimit-reset-requests", org.hamcrest.Matchers.matchesPattern("\\d.*s"));
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(429)
                    .header("Retry-After", org.hamcrest.Matchers.matchesPattern("30|29"))
                    .header("x-ratelimit-limit-requests", "2")
                    .header("x-ratelimit-remaining-requests", "0")
                    .body("error.type", equalTo("rate_limit_error"))
                    .body("error.code", equalTo("rate_limit_exceeded"));
            as(server, GatewayServer.TOKEN).body(BODY).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-limit-requests", nullValue());
        }
    }

    @Test
    void aTokenQuotaRefusesOnceSpentAndAdmitsAgainWhenTheMinutePasses() throws Exception {
        FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:00Z"));
        try (GatewayServer server = GatewayServer.startWithClock(clock, key("team-a", KEY_A, "*",
                "tokensPerMinute", "5", "tokensPerDay", "1000"))) {
            BlockingQueue<RequestRecord> done = finished(server);
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-limit-tokens", "5")
                    .header("x-ratelimit-remaining-tokens", "5")
                    .header("x-ratelimit-reset-tokens", "1m0s");
            RequestRecord first = next(done);
            long used = first.promptTokens() + first.completionTokens();
            assertTrue(used > 5, "one turn may overshoot: " + used);
            clock.advance(Duration.ofSeconds(15));
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(429)
                    .header("Retry-After", "45")
                    .header("x-ratelimit-limit-tokens", "5")
                    .header("x-ratelimit-remaining-tokens", "0")
                    .header("x-ratelimit-reset-tokens", "45s")
                    .body("error.type", equalTo("tokens"))
                    .body("error.code", equalTo("rate_limit_exceeded"))
                    .body("error.param", nullValue());
            clock.advance(Duration.ofSeconds(45));
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-limit-tokens", "5")
                    .header("x-ratelimit-remaining-tokens", "5");
            next(done);
            // the day window counts both turns; the minute's 5 is still the tightest when it starts over
            clock.advance(Duration.ofMinutes(1));
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-limit-tokens", "5");
        }
    }

    @Test
    void aCancelledStreamIsChargedThePromptEstimate() throws Exception {
        FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:00Z"));
        try (GatewayServer server = GatewayServer.startWithClock(clock, concat(
                key("team-a", KEY_A, "*", "tokensPerDay", "1"),
                new String[] {"models.providers.echo.wordDelayMs", "60000", "gateway.http.heartbeatMs", "100"}))) {
            BlockingQueue<RequestRecord> done = finished(server);
            try (RawHttp c = new RawHttp(server.port())) {
                c.post(CHAT, BODY.replace("}]}", "}],\"stream\":true}"), "Authorization: Bearer " + KEY_A);
                c.readHead();
                assertTrue(c.readChunk().contains("\"role\":\"assistant\""));
            }
            RequestRecord r = next(done);
            assertEquals("cancelled", r.outcome());
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(429)
                    .body("error.type", equalTo("tokens"));
        }
    }

    @Test
    void oneSessionKeyOrUserSentWithTwoKeysNamesTwoTranscripts() throws Exception {
        try (GatewayServer server = GatewayServer.start(concat(key("team-a", KEY_A, "*"),
                key("team-b", KEY_B, "*")))) {
            int fresh = prompt(as(server, KEY_A).header("x-openclaw-session-key", "shared").body(BODY));
            assertEquals(fresh, prompt(as(server, KEY_B).header("x-openclaw-session-key", "shared").body(BODY)));
            assertEquals(fresh, prompt(as(server, GatewayServer.TOKEN).header("x-openclaw-session-key", "shared")
                    .body(BODY)));
            assertTrue(prompt(as(server, KEY_A).header("x-openclaw-session-key", "shared").body(BODY)) > fresh);
            String withUser = BODY.replace("}]}", "}],\"user\":\"bob\"}");
            int userFresh = prompt(as(server, KEY_A).body(withUser));
            assertEquals(userFresh, prompt(as(server, KEY_B).body(withUser)));
            assertTrue(prompt(as(server, KEY_B).body(withUser)) > userFresh);
            as(server, KEY_A).header("x-openclaw-session-key", "caller:key:6:team-b:shared").body(BODY).post(CHAT)
                    .then().statusCode(400).body("error.code", equalTo("invalid_session_key"));
        }
    }

    private static int prompt(RequestSpecification r) {
        Response resp = r.post(CHAT);
        assertEquals(200, resp.statusCode(), resp.asString());
        return resp.jsonPath().getInt("usage.prompt_tokens");
    }

    @Test
    void neitherTheKeyNorItsDigestAppearsInAnyLogOrBody() throws Exception {
        try (LogCapture logs = LogCapture.atLeast(Level.ALL);
             GatewayServer server = GatewayServer.start(concat(key("team-a", KEY_A, "coder"), TWO_AGENTS,
                     new String[] {"gateway.metrics.enabled", "true"}))) {
            BlockingQueue<RequestRecord> done = finished(server);
            StringBuilder bodies = new StringBuilder();
            bodies.append(as(server, KEY_A).header("x-openclaw-agent-id", "coder").body(BODY).post(CHAT).asString());
            bodies.append(as(server, KEY_A).body(BODY).post(CHAT).asString());
            bodies.append(as(server, KEY_A + "x").body(BODY).post(CHAT).asString());
            bodies.append(as(server, KEY_A).get("/v1/models").asString());
            bodies.append(as(server, KEY_A).get("/metrics").asString());
            next(done);
            String metrics = as(server, GatewayServer.TOKEN).get("/metrics").asString();
            for (String secret : List.of(KEY_A, sha256(KEY_A))) {
                assertFalse(bodies.toString().contains(secret), "a body holds the key or its digest");
                assertFalse(metrics.contains(secret), "the metrics hold the key or its digest");
                for (String line : logs.lines()) {
                    assertFalse(line.contains(secret), "a log line holds the key or its digest: " + line);
                }
            }
            assertTrue(metrics.contains("clawgate_key_tokens_total{agent=\"coder\",key=\"team-a\",kind=\"prompt\"}"),
                    metrics);
        }
    }
}
