package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.specification.RequestSpecification;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the upstream receives: every field the client sent but the gateway's own, exactly as sent and in order;
 * {@code dropFields} removes the listed ones for its provider only; and the request bounds over HTTP.
 */
class PassThroughTest {
    /** Every field of issue 19: standard ones the gateway validates, standard ones it does not, server extensions. */
    static final String FIELDS = "\"temperature\":0.7,\"top_p\":0.9,\"max_tokens\":64,\"max_completion_tokens\":60,"
            + "\"stop\":[\"END\",\"STOP\"],\"seed\":42,\"presence_penalty\":0.5,\"frequency_penalty\":-0.5,"
            + "\"parallel_tool_calls\":false,"
            + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"strict\":true,"
            + "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]}}},"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
            + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}},"
            + "\"n\":2,\"logprobs\":true,\"top_logprobs\":3,\"logit_bias\":{\"50256\":-100,\"15\":2.5},"
            + "\"reasoning_effort\":\"low\",\"modalities\":[\"text\"],"
            + "\"prediction\":{\"type\":\"content\",\"content\":\"draft\"},"
            + "\"metadata\":{\"team\":\"a\",\"run\":\"7\"},\"service_tier\":\"flex\",\"store\":false,"
            + "\"verbosity\":\"low\",\"web_search_options\":{\"search_context_size\":\"low\"},"
            + "\"top_k\":40,\"min_p\":0.05,\"repetition_penalty\":1.1,"
            + "\"chat_template_kwargs\":{\"enable_thinking\":false},"
            + "\"guided_json\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}},"
            + "\"grammar\":\"root ::= \\\"yes\\\" | \\\"no\\\"\",\"user\":\"alice\",\"my_extension\":null";
    static final String USER_HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    static FakeUpstream upstream;
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        server = GatewayServer.start(Map.of("models.providers.fake.baseUrl", upstream.baseUrl(),
                "models.providers.strict.baseUrl", upstream.baseUrl(),
                "models.providers.strict.dropFields", "top_k, min_p,repetition_penalty,chat_template_kwargs",
                "agents.main.model", "fake/open-model",
                "agents.strict.model", "strict/gpt-x"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        upstream.close();
    }

    @BeforeEach
    void answerHello() {
        upstream.pollRequestBodies();
        upstream.reply(Reply.sse(content("ok"), finish("stop")));
    }

    RequestSpecification api() {
        return server.api();
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static JsonObject received() throws InterruptedException {
        FakeUpstream.Received r = upstream.nextRequest();
        assertNotNull(r, "the upstream got no request");
        return json(r.body());
    }

    @Test
    void everyRequestFieldReachesTheUpstreamExactlyAsSentAndInOrder() throws Exception {
        api().body("{\"model\":\"openclaw:main\",\"stream\":false," + FIELDS + "," + USER_HI + "}")
                .post("/v1/chat/completions").then().statusCode(200);
        JsonObject sent = received();
        JsonObject expected = json("{" + FIELDS + "}");
        expected.forEach((field, value) -> assertEquals(value, sent.get(field), field));
        List<String> order = List.copyOf(sent.keySet());
        assertEquals(List.of("model", "messages", "stream", "stream_options"), order.subList(0, 4),
                "the gateway's own fields first");
        assertEquals(List.copyOf(expected.keySet()), order.subList(4, order.size()),
                "then the client's, in its order, nothing else");
        assertEquals("open-model", sent.getString("model"));
        assertTrue(sent.getBoolean("stream"), "the upstream is always streamed");
        assertTrue(sent.getJsonObject("stream_options").getBoolean("include_usage"));
    }

    @Test
    void dropFieldsRemovesTheListedFieldsForItsProviderOnly() throws Exception {
        api().body("{\"model\":\"openclaw:strict\"," + FIELDS + "," + USER_HI + "}")
                .post("/v1/chat/completions").then().statusCode(200);
        JsonObject strict = received();
        for (String dropped : List.of("top_k", "min_p", "repetition_penalty", "chat_template_kwargs")) {
            assertFalse(strict.containsKey(dropped), dropped + " is dropped");
        }
        assertEquals(json("{\"g\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}}").get("g"),
                strict.get("guided_json"), "a field not listed still passes");
        assertEquals(3, strict.getInt("top_logprobs"));

        api().body("{\"model\":\"openclaw:main\"," + FIELDS + "," + USER_HI + "}")
                .post("/v1/chat/completions").then().statusCode(200);
        assertEquals(40, received().getInt("top_k"), "another provider still gets it");
    }

    @Test
    void aModelOfOneMegabyteIsA400NamingModel() {
        api().body("{\"model\":\"openclaw" + " ".repeat(1 << 20) + "\"," + USER_HI + "}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("model"))
                .body("error.code", equalTo("string_above_max_length"));
    }

    @Test
    void aSessionHeaderOverTheLimitIsA400NamingTheHeader() {
        api().header("x-openclaw-session-key", "k".repeat(513)).body("{" + USER_HI + "}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("x-openclaw-session-key"));
    }

    @Test
    void anAgentHeaderOverTheLimitIsA400NamingTheHeader() {
        api().header("x-openclaw-agent-id", "a".repeat(513)).body("{" + USER_HI + "}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("x-openclaw-agent-id"));
    }

    @Test
    void moreMessagesThanTheLimitIsA400NamingMessages() {
        String one = "{\"role\":\"user\",\"content\":\"x\"}";
        api().body("{\"messages\":[" + String.join(",", java.util.Collections.nCopies(2001, one)) + "]}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("messages"))
                .body("error.code", equalTo("array_above_max_length"));
    }

    @Test
    void passedThroughFieldsOverTheLimitAreA400NamingTheField() {
        api().body("{\"guided_json\":\"" + "x".repeat(1_100_000) + "\"," + USER_HI + "}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("guided_json"))
                .body("error.code", equalTo("request_too_large"));
    }

    @Test
    void nAboveMaxChoicesIsA400NamingN() {
        api().body("{\"n\":9," + USER_HI + "}").post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("n"));
    }

    @Test
    void jsonNestedTooDeepIsA400NotA500() {
        api().body("{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "," + USER_HI + "}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("invalid_json"));
    }
}
