package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.session.FileSessionStore;
import dev.clawgate.session.SessionStore;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session transcripts through HTTP: ordering under concurrency, no commit on failure, the file store end to end. */
class SessionsTest {
    static final int CONCURRENT = 8;
    final HttpClient client = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static String body(String... userTexts) {
        StringBuilder b = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < userTexts.length; i++) {
            b.append(i > 0 ? "," : "").append("{\"role\":\"user\",\"content\":\"").append(userTexts[i]).append("\"}");
        }
        return b.append("]}").toString();
    }

    CompletableFuture<HttpResponse<String>> post(GatewayServer server, String body, String... headers) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return client.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonObject postOk(GatewayServer server, String body, String... headers) throws Exception {
        HttpResponse<String> response = post(server, body, headers).get(20, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    static int promptTokens(JsonObject completion) {
        return completion.getJsonObject("usage").getInt("prompt_tokens");
    }

    static List<String> files(Path dir) throws Exception {
        try (var list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }

    List<CompletableFuture<HttpResponse<String>>> concurrentTurns(GatewayServer server, String key) {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            sent.add(post(server, body("m" + i), "x-openclaw-session-key", key));
        }
        return sent;
    }

    @Test
    void concurrentRequestsOnOneSessionStoreWholeTurnsOneAfterAnother() throws Exception {
        String key = "ordering-test";
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", dir.toString(),
                "models.providers.echo.wordDelayMs", "5")) {
            for (CompletableFuture<HttpResponse<String>> f : concurrentTurns(server, key)) {
                assertEquals(200, f.get(20, TimeUnit.SECONDS).statusCode());
            }
        }
        try (SessionStore store = new FileSessionStore(dir, Clock.systemUTC(), 86_400_000)) {
            SessionStore.Lease lease = store.acquire(key).toCompletableFuture().get(5, TimeUnit.SECONDS);
            List<ChatMessage> transcript = lease.transcript();
            lease.release();
            assertEquals(2 * CONCURRENT, transcript.size());
            Set<String> seen = new HashSet<>();
            for (int j = 0; j < transcript.size(); j += 2) {
                ChatMessage user = transcript.get(j);
                ChatMessage assistant = transcript.get(j + 1);
                assertEquals("user", user.role());
                assertEquals("assistant", assistant.role());
                assertEquals("echo: " + user.text(), assistant.text(), "turn " + j / 2 + " is whole");
                seen.add(user.text());
            }
            assertEquals(CONCURRENT, seen.size(), "no turn lost: " + seen);
        }
    }

    @Test
    void concurrentRequestsOnOneMemorySessionAreAllRemembered() throws Exception {
        try (GatewayServer server = GatewayServer.start("models.providers.echo.wordDelayMs", "5")) {
            for (CompletableFuture<HttpResponse<String>> f : concurrentTurns(server, "ordering-memory")) {
                assertEquals(200, f.get(20, TimeUnit.SECONDS).statusCode());
            }
            // each stored turn is 1 user word + 2 reply words; the last request adds its own word
            assertEquals(CONCURRENT * 3 + 1,
                    promptTokens(postOk(server, body("end"), "x-openclaw-session-key", "ordering-memory")));
        }
    }

    @Test
    void statelessRequestWritesNothing() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", dir.toString())) {
            postOk(server, body("hello there"));
            assertEquals(List.of(), files(dir));
            postOk(server, body("hello there"), "x-openclaw-session-key", "kept");
            assertEquals(1, files(dir).size());
        }
    }

    @Test
    void requestThatTimesOutLeavesTheSessionUnchanged() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", dir.toString(),
                "models.providers.echo.wordDelayMs", "60000", "gateway.http.streamTimeoutMs", "300")) {
            HttpResponse<String> response = post(server, body("slow"), "x-openclaw-session-key", "timeout")
                    .get(20, TimeUnit.SECONDS);
            assertEquals(504, response.statusCode());
            assertEquals(List.of(), files(dir));
        }
    }

    @Test
    void clientThatHangsUpMidStreamLeavesTheSessionUnchanged() throws Exception {
        String longText = "word ".repeat(300).trim();
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", dir.toString(),
                "models.providers.echo.wordDelayMs", "20")) {
            try (RawHttp http = new RawHttp(server.port())) {
                http.post("/v1/chat/completions", "{\"stream\":true," + body(longText).substring(1),
                        "Authorization: Bearer " + GatewayServer.TOKEN, "x-openclaw-session-key: hangup");
                assertTrue(http.readHead().startsWith("HTTP/1.1 200"));
                http.readChunk();
            }
            // queued behind the abandoned run: it is served only once that run has ended, and sees no history
            assertEquals(1, promptTokens(postOk(server, body("next"), "x-openclaw-session-key", "hangup")));
        }
    }

    @Test
    void fileSessionSurvivesARestartAndAResentHistoryIsNotSentTwice() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", dir.toString())) {
            postOk(server, "{\"user\":\"Bob\",\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}");
        }
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", dir.toString())) {
            // stored: "a b" (2 words) + "echo: a b" (3); the resent copy of both is dropped, "c" is new
            assertEquals(6, promptTokens(postOk(server, "{\"user\":\"bob\",\"messages\":["
                    + "{\"role\":\"user\",\"content\":\"a b\"},{\"role\":\"assistant\",\"content\":\"echo: a b\"},"
                    + "{\"role\":\"user\",\"content\":\"c\"}]}")));
            assertEquals(6 + 2 + 1, promptTokens(postOk(server,
                    "{\"user\":\"bob\",\"messages\":[{\"role\":\"user\",\"content\":\"d\"}]}")));
        }
        assertEquals(1, files(dir).size());
        assertTrue(files(dir).get(0).matches("[0-9a-f]{64}\\.jsonl"));
    }

    @Test
    void readinessFollowsTheStateDirectory() throws Exception {
        Path state = dir.resolve("state");
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", state.toString())) {
            HttpRequest ready = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/readyz")).build();
            assertEquals(200, client.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode());
            Files.delete(state);
            assertEquals(503, client.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void unreadableSessionIs503AndOtherSessionsStillWork() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", dir.toString());
             FileSessionStore paths = new FileSessionStore(dir, Clock.systemUTC(), 1)) {
            Files.createDirectory(paths.fileOf("broken"));
            HttpResponse<String> response = post(server, body("hi"), "x-openclaw-session-key", "broken")
                    .get(20, TimeUnit.SECONDS);
            assertEquals(503, response.statusCode());
            assertTrue(response.body().contains("\"code\":\"session_store_unavailable\""), response.body());
            assertEquals(1, promptTokens(postOk(server, body("hi"), "x-openclaw-session-key", "fine")));
        }
    }

    @Test
    void stateDirectoryThatCannotBeCreatedFailsTheDeploymentWithOneLineNamingTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        try (LogCapture log = LogCapture.atLeast(java.util.logging.Level.SEVERE)) {
            org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> GatewayServer.start("gateway.state.dir", file.resolve("sessions").toString()).close());
            assertEquals(1, log.lines().size(), log.lines().toString());
            assertTrue(log.lines().get(0).contains("gateway.state.dir"), log.lines().get(0));
        }
    }

    @Test
    void aStatefulTurnWhoseNewMessagesExceedTheTranscriptByteBoundIs413TurnTooLargeAndStoresNothing()
            throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", dir.toString(),
                "gateway.state.maxTranscriptBytes", "1024")) {
            String big = body("x".repeat(2000));
            HttpResponse<String> refused = post(server, big, "x-openclaw-session-key", "big").get(20, TimeUnit.SECONDS);
            assertEquals(413, refused.statusCode(), refused.body());
            JsonObject error = Json.createReader(new StringReader(refused.body())).readObject().getJsonObject("error");
            assertEquals("turn_too_large", error.getString("code"));
            assertEquals("messages", error.getString("param"));
            assertEquals("invalid_request_error", error.getString("type"));
            assertTrue(error.getString("message").contains("gateway.state.maxTranscriptBytes"), error.toString());
            assertEquals(List.of(), files(dir));
            postOk(server, big); // stateless: nothing to store, so no bound
            assertEquals(1, promptTokens(postOk(server, body("small"), "x-openclaw-session-key", "big")));
        }
    }

    @Test
    void aTurnBeyondMaxQueuedTurnsOnABusySessionIs429SessionBusy() throws Exception {
        try (GatewayServer server = GatewayServer.start("models.providers.echo.wordDelayMs", "60000",
                "gateway.state.maxQueuedTurns", "0")) {
            try (RawHttp http = new RawHttp(server.port())) {
                http.post("/v1/chat/completions", "{\"stream\":true," + body("slow").substring(1),
                        "Authorization: Bearer " + GatewayServer.TOKEN, "x-openclaw-session-key: busy");
                assertTrue(http.readHead().startsWith("HTTP/1.1 200"));
                http.readChunk(); // the role chunk: the first turn holds the session
                HttpResponse<String> refused = post(server, body("next"), "x-openclaw-session-key", "busy")
                        .get(20, TimeUnit.SECONDS);
                assertEquals(429, refused.statusCode(), refused.body());
                assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
                JsonObject error = Json.createReader(new StringReader(refused.body())).readObject()
                        .getJsonObject("error");
                assertEquals("session_busy", error.getString("code"));
                assertEquals("rate_limit_error", error.getString("type"));
            }
        }
    }
}
