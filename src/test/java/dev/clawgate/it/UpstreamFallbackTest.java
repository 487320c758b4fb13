package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agents with fallbacks on two fake upstreams (and one address where nothing listens): which failures move on to
 * the next model, that the client then hears only the answer, and which model {@code x-openclaw-upstream-model}
 * names — streaming and not.
 */
class UpstreamFallbackTest {
    static final String PRIMARY_KEY = "sk-primary-secret-0123456789";
    static final String USER_HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    static FakeUpstream primary;
    static FakeUpstream backup;
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        primary = FakeUpstream.start();
        backup = FakeUpstream.start();
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        server = GatewayServer.start(
                "models.providers.p.baseUrl", primary.baseUrl(),
                "models.providers.p.apiKey", PRIMARY_KEY,
                "models.providers.b.baseUrl", backup.baseUrl(),
                "models.providers.dead.baseUrl", "http://127.0.0.1:" + closed + "/v1",
                "agents.main.model", "p/m1",
                "agents.main.fallbacks", "b/m2",
                "agents.refused.model", "dead/nothing",
                "agents.refused.fallbacks", "b/m2",
                "agents.single.model", "p/m1",
                "gateway.metrics.enabled", "true");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        primary.close();
        backup.close();
    }

    @BeforeEach
    void forget() {
        primary.pollRequestBodies();
        backup.pollRequestBodies();
        backup.reply(Reply.sse(content("from backup"), finish("stop")));
    }

    @Test
    void aRefusedConnectionFallsBackAndTheHeaderNamesTheModelThatAnswered() {
        server.api().body("{\"model\":\"openclaw:refused\"," + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(200)
                .header("x-openclaw-upstream-model", "b/m2")
                .body("choices[0].message.content", equalTo("from backup"));
    }

    @Test
    void aServerErrorFallsBackAndAStreamingClientSeesOnlyTheBackupsAnswer() throws Exception {
        primary.reply(Reply.error(500, "{\"error\":{\"message\":\"boom\"}}"));
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"stream\":true," + USER_HI + "}",
                    "Authorization: Bearer " + GatewayServer.TOKEN);
            String head = http.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("x-openclaw-upstream-model: b/m2"), head);
            String body = String.join("\n", StreamingTest.frames(http.readChunkedBody()));
            assertTrue(body.contains("\"content\":\"from backup\""), body);
            assertTrue(!body.contains("error"), body);
        }
        assertEquals("m2", json(backup.nextRequest().body()).getString("model"));
    }

    @Test
    void aRateLimitFallsBackAndTheFallbackIsCountedAndLoggedWithoutSecrets() {
        primary.reply(Reply.error(429, "{\"error\":{\"message\":\"slow down\"}}").withHeader("Retry-After", "30"));
        try (LogCapture log = LogCapture.atLeast(Level.WARNING)) {
            server.api().body("{" + USER_HI + "}").post("/v1/chat/completions").then()
                    .statusCode(200)
                    .header("x-openclaw-upstream-model", "b/m2")
                    .body("choices[0].message.content", equalTo("from backup"));
            List<String> fallbacks = log.lines().stream().filter(l -> l.contains("falling back")).toList();
            assertEquals(1, fallbacks.size(), log.lines().toString());
            assertTrue(fallbacks.get(0).contains("p/m1") && fallbacks.get(0).contains("b/m2")
                    && fallbacks.get(0).contains("status_429"), fallbacks.get(0));
            assertTrue(log.lines().stream().noneMatch(l -> l.contains(PRIMARY_KEY) || l.contains("hi\"")));
        }
        String metrics = server.api().get("/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("clawgate_upstream_fallbacks_total{agent=\"main\",from=\"p/m1\",to=\"b/m2\"}"),
                metrics);
    }

    @Test
    void aClientErrorOfThePrimaryIsRelayedAndTheBackupIsNeverAsked() throws Exception {
        primary.reply(Reply.error(400, "{\"error\":{\"message\":\"bad tool schema\"}}"));
        server.api().body("{" + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(400)
                .body("error.code", equalTo("upstream_rejected"))
                .body("error.message", equalTo("bad tool schema"));
        assertTrue(primary.nextRequest() != null);
        assertNull(backup.pollRequest());
    }

    @Test
    void aStreamThatFailsAfterItsFirstBytesEndsWithAnErrorFrameAndNoFallback() throws Exception {
        primary.reply(Reply.sse(content("half an "), content("answer"), finish("stop")).droppedAfter(1));
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"stream\":true," + USER_HI + "}",
                    "Authorization: Bearer " + GatewayServer.TOKEN);
            String head = http.readHead();
            assertTrue(head.toLowerCase().contains("x-openclaw-upstream-model: p/m1"), head);
            List<String> frames = StreamingTest.frames(http.readChunkedBody());
            String all = String.join("\n", frames);
            assertTrue(all.contains("\"content\":\"half an \""), all);
            assertTrue(all.contains("upstream_dropped"), all);
            assertEquals("data: [DONE]", frames.get(frames.size() - 1));
        }
        assertNull(backup.pollRequest());
    }

    @Test
    void whenThePrimaryAnswersTheHeaderNamesItStreamingAndNot() throws Exception {
        primary.reply(Reply.sse(content("from primary"), finish("stop")));
        server.api().body("{" + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(200).header("x-openclaw-upstream-model", "p/m1");
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"model\":\"openclaw:single\",\"stream\":true," + USER_HI + "}",
                    "Authorization: Bearer " + GatewayServer.TOKEN);
            assertTrue(http.readHead().toLowerCase().contains("x-openclaw-upstream-model: p/m1"));
            http.readChunkedBody();
        }
    }

    @Test
    void theBuiltInEchoNamesItselfToo() throws Exception {
        try (GatewayServer echo = GatewayServer.start()) {
            echo.api().body("{" + USER_HI + "}").post("/v1/chat/completions").then()
                    .statusCode(200).header("x-openclaw-upstream-model", "echo/echo");
        }
    }

    static jakarta.json.JsonObject json(String text) {
        return jakarta.json.Json.createReader(new java.io.StringReader(text)).readObject();
    }
}
