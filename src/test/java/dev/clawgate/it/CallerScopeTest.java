package dev.clawgate.it;

import static dev.clawgate.it.KeysTest.KEY_A;
import static dev.clawgate.it.KeysTest.KEY_B;
import static dev.clawgate.it.KeysTest.as;
import static dev.clawgate.it.KeysTest.concat;
import static dev.clawgate.it.KeysTest.key;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import dev.clawgate.events.RequestRecord;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * The session controls and {@code /v1/embeddings} under per-caller keys: a configured key header names a session
 * inside the caller's namespace, {@code DELETE /v1/sessions} reaches only the caller's own transcripts, and
 * embeddings obey the key's agents and are charged to its token quota.
 */
class CallerScopeTest {
    static final String CHAT = "/v1/chat/completions";
    static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}";
    static final String EMBED = "{\"model\":\"openclaw:main\",\"input\":\"one two three four\"}";

    private static int prompt(RequestSpecification r) {
        Response resp = r.post(CHAT);
        assertEquals(200, resp.statusCode(), resp.asString());
        return resp.jsonPath().getInt("usage.prompt_tokens");
    }

    @Test
    void aKeyHeaderSentWithTwoKeysNamesTwoTranscriptsAndEachKeyDeletesOnlyItsOwn() throws Exception {
        try (GatewayServer server = GatewayServer.start(concat(key("team-a", KEY_A, "*"), key("team-b", KEY_B, "*"),
                new String[] {"gateway.sessions.keyHeaders", "x-chat-id"}))) {
            int fresh = prompt(as(server, KEY_A).header("x-chat-id", "c1").body(BODY));
            assertEquals(fresh, prompt(as(server, KEY_B).header("x-chat-id", "c1").body(BODY)));
            assertTrue(prompt(as(server, KEY_A).header("x-chat-id", "c1").body(BODY)) > fresh);

            as(server, KEY_B).header("x-chat-id", "c1").delete("/v1/sessions").then().statusCode(204);
            as(server, KEY_B).header("x-chat-id", "c1").delete("/v1/sessions").then().statusCode(404)
                    .body("error.code", equalTo("session_not_found"));
            assertTrue(prompt(as(server, KEY_A).header("x-chat-id", "c1").body(BODY)) > fresh,
                    "team-b's delete left team-a's transcript");
            as(server, GatewayServer.TOKEN).header("x-chat-id", "c1").delete("/v1/sessions").then().statusCode(404);
            as(server, KEY_A).header("x-chat-id", "c1").delete("/v1/sessions").then().statusCode(204);
            assertEquals(fresh, prompt(as(server, KEY_A).header("x-chat-id", "c1").body(BODY)));
        }
    }

    @Test
    void aKeyDeletesNoSessionOfAnAgentItMayNotUse() throws Exception {
        try (GatewayServer server = GatewayServer.start(concat(KeysTest.TWO_AGENTS, key("team-a", KEY_A, "coder")))) {
            as(server, KEY_A).header("x-openclaw-agent-id", "main").body("{\"user\":\"bob\"}")
                    .delete("/v1/sessions").then().statusCode(403).body("error.code", equalTo("agent_not_allowed"));
        }
    }

    @Test
    void embeddingsObeyTheKeysAgentsAndAreChargedToItsTokenQuota() throws Exception {
        FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:00Z"));
        try (GatewayServer server = GatewayServer.startWithClock(clock, concat(
                new String[] {"agents.main.model", "echo/echo", "agents.main.embeddingModel", "echo/echo",
                    "agents.coder.model", "echo/echo", "agents.coder.embeddingModel", "echo/echo"},
                key("team-a", KEY_A, "main", "tokensPerDay", "1")))) {
            BlockingQueue<RequestRecord> done = KeysTest.finished(server);
            as(server, KEY_A).body(EMBED.replace("openclaw:main", "openclaw:coder")).post("/v1/embeddings").then()
                    .statusCode(403).body("error.code", equalTo("agent_not_allowed"));
            as(server, KEY_A).body(EMBED).post("/v1/embeddings").then().statusCode(200)
                    .header("x-openclaw-upstream-model", equalTo("echo/echo"))
                    .body("object", startsWith("list"));
            RequestRecord r = KeysTest.next(done);
            assertEquals("team-a", r.caller());
            assertTrue(r.promptTokens() > 1, "prompt tokens: " + r.promptTokens());
            as(server, KEY_A).body(EMBED).post("/v1/embeddings").then().statusCode(429)
                    .body("error.type", equalTo("tokens"));
            as(server, KEY_A).body(BODY).post(CHAT).then().statusCode(429).body("error.type", equalTo("tokens"));
        }
    }
}
