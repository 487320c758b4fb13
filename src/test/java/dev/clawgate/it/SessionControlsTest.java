package dev.clawgate.it;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.RedisServer;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How requests name their session: {@code gateway.sessions.userField}, {@code gateway.sessions.keyHeaders}, and
 * {@code DELETE /v1/sessions} on each store kind. The echo model counts a word as a prompt token, so the prompt
 * tokens of a turn tell how much history it was sent: 1 for a fresh session's {@code "hi"}, 4 for a second
 * one-word turn after {@code hi} / {@code echo: hi}.
 */
class SessionControlsTest {
    static final String FRESH = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    static int turn(GatewayServer server, String body, String... headers) {
        RequestSpecification r = server.api();
        for (int i = 0; i < headers.length; i += 2) {
            r = r.header(headers[i], headers[i + 1]);
        }
        return r.body(body).post("/v1/chat/completions").then().statusCode(200).extract()
                .path("usage.prompt_tokens");
    }

    static String user(String name) {
        return "{\"user\":\"" + name + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void withUserFieldIgnoreTheUserNamesNoSession() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.sessions.userField", "ignore")) {
            assertEquals(1, turn(server, user("alice")));
            assertEquals(1, turn(server, user("alice")), "nothing was remembered for alice");
            assertEquals(1, turn(server, FRESH, "x-openclaw-session-key", "k1"));
            assertEquals(4, turn(server, FRESH, "x-openclaw-session-key", "k1"), "the header key still works");
        }
    }

    @Test
    void aConfiguredHeaderNamesTheSessionAndNeverCollidesWithAnotherHeaderOrAUser() throws Exception {
        try (GatewayServer server = GatewayServer.start(
                "gateway.sessions.keyHeaders", "X-OpenWebUI-Chat-Id, x-chat-id")) {
            assertEquals(1, turn(server, FRESH, "x-openwebui-chat-id", "same"));
            assertEquals(4, turn(server, FRESH, "x-openwebui-chat-id", "same"));
            assertEquals(1, turn(server, FRESH, "x-chat-id", "same"), "another header, same value: its own session");
            assertEquals(1, turn(server, user("same")), "a user of that value: its own session");
            assertEquals(1, turn(server, FRESH, "x-openwebui-chat-id", "other"));
            assertEquals(1, turn(server, user("same"), "x-openwebui-chat-id", "third"),
                    "the configured header comes before user");
            assertEquals(1, turn(server, FRESH, "x-openwebui-chat-id", "same", "x-openclaw-session-key", "explicit"),
                    "x-openclaw-session-key comes first");
        }
    }

    static RequestSpecification delete(GatewayServer server) {
        return RestAssured.given().baseUri(server.baseUrl()).header("Authorization", "Bearer " + GatewayServer.TOKEN);
    }

    /** A turn, DELETE → 204, the next turn starts fresh, DELETE again → 404. */
    static void deleteResets(GatewayServer server) {
        assertEquals(1, turn(server, user("bob")));
        assertEquals(4, turn(server, user("bob")));
        delete(server).contentType("application/json").body("{\"user\":\"bob\"}").delete("/v1/sessions").then()
                .statusCode(204);
        assertEquals(1, turn(server, user("bob")), "the next turn starts fresh");
        delete(server).contentType("application/json").body("{\"user\":\"bob\"}").delete("/v1/sessions").then()
                .statusCode(204);
        delete(server).contentType("application/json").body("{\"user\":\"bob\"}").delete("/v1/sessions").then()
                .statusCode(404)
                .body("error.code", equalTo("session_not_found"));
    }

    @Test
    void deleteForgetsAMemorySessionNamedByUserHeaderOrConfiguredHeader() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.sessions.keyHeaders", "x-openwebui-chat-id",
                "gateway.metrics.enabled", "true")) {
            deleteResets(server);

            turn(server, FRESH, "x-openclaw-session-key", "my-key");
            delete(server).header("x-openclaw-session-key", "my-key").delete("/v1/sessions").then().statusCode(204);
            assertEquals(1, turn(server, FRESH, "x-openclaw-session-key", "my-key"));

            turn(server, FRESH, "x-openwebui-chat-id", "chat-9");
            delete(server).header("x-openwebui-chat-id", "chat-9").delete("/v1/sessions").then().statusCode(204);
            assertEquals(1, turn(server, FRESH, "x-openwebui-chat-id", "chat-9"));
        }
    }

    @Test
    void deleteWithoutASessionNameIs400AndWithoutTheTokenIs401() throws Exception {
        try (GatewayServer server = GatewayServer.start()) {
            delete(server).delete("/v1/sessions").then().statusCode(400)
                    .body("error.code", equalTo("missing_session_key"))
                    .body("error.param", nullValue());
            delete(server).contentType("application/json").body("[1]").delete("/v1/sessions").then().statusCode(400);
            RestAssured.given().baseUri(server.baseUrl()).header("x-openclaw-session-key", "k").delete("/v1/sessions")
                    .then().statusCode(401);
            server.api().post("/v1/sessions").then().statusCode(405).header("Allow", "DELETE");
        }
    }

    @Test
    void deleteRemovesTheSessionFile() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.state.dir", dir.toString())) {
            turn(server, user("carol"));
            Path stored = dir.resolve(java.util.HexFormat.of().formatHex(java.security.MessageDigest
                    .getInstance("SHA-256").digest("agent:main:openai-user:carol".getBytes(
                            java.nio.charset.StandardCharsets.UTF_8))) + ".jsonl");
            assertTrue(Files.exists(stored));
            deleteResets(server);
            delete(server).contentType("application/json").body("{\"user\":\"carol\"}").delete("/v1/sessions").then()
                    .statusCode(204);
            assertFalse(Files.exists(stored));
        }
    }

    @Test
    void deleteRemovesTheSessionFromRedis() throws Exception {
        try (RedisServer redis = RedisServer.start();
             GatewayServer server = GatewayServer.start("gateway.state.redis.url", redis.url())) {
            deleteResets(server);
        }
    }
}
