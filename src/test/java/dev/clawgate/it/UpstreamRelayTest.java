package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static dev.clawgate.it.Reply.role;
import static dev.clawgate.it.Reply.toolCall;
import static dev.clawgate.it.Reply.usage;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.specification.RequestSpecification;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Agent {@code main} on the fake upstream: what the client gets and what the upstream receives. */
class UpstreamRelayTest {
    static final String UPSTREAM_KEY = "sk-upstream-test-0123456789";
    static final String USER_HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    static FakeUpstream upstream;
    static GatewayServer server;

    static final Reply TOOLS = Reply.sse(role(), content("Let me "), content("check."),
            toolCall(0, "call_a", "get_weather", ""), toolCall(0, null, null, "{\"city\":"),
            toolCall(0, null, null, "\"Paris\"}"), toolCall(1, "call_b", "get_time", "{}"),
            finish("tool_calls"), usage(11, 7, 4L));

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        server = GatewayServer.start(
                "models.providers.fake.baseUrl", upstream.baseUrl(),
                "models.providers.fake.apiKey", UPSTREAM_KEY,
                "agents.main.model", "fake/some-model",
                "agents.main.systemPrompt", "You are terse.");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        upstream.close();
    }

    static RequestSpecification api() {
        return server.api();
    }

    /** The SSE frames of a streamed request, ids and timestamps normalised. */
    static List<String> stream(String body) throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", body, "Authorization: Bearer " + GatewayServer.TOKEN);
            String head = http.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            return StreamingTest.frames(http.readChunkedBody()).stream()
                    .map(f -> f.startsWith(StreamingTest.HEAD) ? f.substring(StreamingTest.HEAD.length()) : f)
                    .collect(Collectors.toList());
        }
    }

    @Test
    void aStreamRelaysContentAndToolCallFragmentsWithIndexIdNameAndArgumentsIntact() throws Exception {
        upstream.reply(TOOLS);
        List<String> frames = stream("{\"model\":\"openclaw:main\",\"stream\":true," + USER_HI + "}");
        String delta = ",\"logprobs\":null,\"finish_reason\":null}]}";
        assertEquals(List.of(
                "[{\"index\":0,\"delta\":{\"role\":\"assistant\"}" + delta,
                "[{\"index\":0,\"delta\":{\"content\":\"Let me \"}" + delta,
                "[{\"index\":0,\"delta\":{\"content\":\"check.\"}" + delta,
                "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}" + delta,
                "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                        + "\"{\\\"city\\\":\"}}]}" + delta,
                "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                        + "\"\\\"Paris\\\"}\"}}]}" + delta,
                "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}" + delta,
                "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}",
                "data: [DONE]"), frames);
    }

    @Test
    void aStreamCarriesTheUpstreamUsageOnlyWhenAskedFor() throws Exception {
        upstream.reply(TOOLS);
        List<String> frames = stream("{\"model\":\"openclaw:main\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}," + USER_HI + "}");
        assertEquals("data: [DONE]", frames.get(frames.size() - 1));
        assertEquals("[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4}}}", frames.get(frames.size() - 2));
        assertEquals(1, frames.stream().filter(f -> f.contains("\"finish_reason\":\"tool_calls\"")).count());
    }

    @Test
    void aNonStreamingReplyIsAssembledFromTheUpstreamStream() {
        upstream.reply(TOOLS);
        api().body("{\"model\":\"openclaw:main\"," + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(200)
                .body("model", equalTo("openclaw:main"))
                .body("choices[0].message.content", equalTo("Let me check."))
                .body("choices[0].message.tool_calls.size()", equalTo(2))
                .body("choices[0].message.tool_calls[0].id", equalTo("call_a"))
                .body("choices[0].message.tool_calls[0].type", equalTo("function"))
                .body("choices[0].message.tool_calls[0].function.name", equalTo("get_weather"))
                .body("choices[0].message.tool_calls[0].function.arguments", equalTo("{\"city\":\"Paris\"}"))
                .body("choices[0].message.tool_calls[1].id", equalTo("call_b"))
                .body("choices[0].message.tool_calls[1].function.arguments", equalTo("{}"))
                .body("choices[0].finish_reason", equalTo("tool_calls"))
                .body("usage.prompt_tokens", equalTo(11))
                .body("usage.completion_tokens", equalTo(7))
                .body("usage.prompt_tokens_details.cached_tokens", equalTo(4));
    }

    @Test
    void theUpstreamGetsTheAgentModelTheKeyAStreamAndEveryParameterAsSent() throws Exception {
        upstream.reply(Reply.sse(content("ok"), finish("stop")));
        String params = "\"temperature\":0.25,\"top_p\":0.5,\"max_tokens\":64,\"max_completion_tokens\":60,"
                + "\"stop\":[\"END\"],\"seed\":42,\"response_format\":{\"type\":\"json_object\"},"
                + "\"presence_penalty\":0.1,\"frequency_penalty\":-0.2,"
                + "\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false";
        api().body("{\"model\":\"openclaw:main\",\"user\":\"param-user\"," + params + "," + USER_HI + "}")
                .post("/v1/chat/completions").then().statusCode(200).body("choices[0].message.content", equalTo("ok"));
        FakeUpstream.Received r = drainToLast();
        assertEquals("POST", r.method());
        assertEquals("/v1/chat/completions", r.path());
        assertEquals("Bearer " + UPSTREAM_KEY, r.headers().get("authorization"));
        JsonObject sent = Json.createReader(new StringReader(r.body())).readObject();
        JsonObject expected = Json.createReader(new StringReader("{" + params + "}")).readObject();
        assertEquals("some-model", sent.getString("model"));
        assertTrue(sent.getBoolean("stream"));
        assertTrue(sent.getJsonObject("stream_options").getBoolean("include_usage"));
        expected.forEach((k, v) -> assertEquals(v, sent.get(k), k));
        assertEquals("param-user", sent.getString("user"), "user is passed through like every field");
        assertEquals(Json.createReader(new StringReader("[{\"role\":\"system\",\"content\":\"You are terse.\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}]")).readArray(), sent.getJsonArray("messages"));
    }

    static Stream<Reply> oddButValidStreams() {
        Reply base = Reply.sse(content("hello"), content(" world"), finish("stop"));
        return Stream.of(base.withEol("\r\n"), base.withEol("\r"), base.withComment(), base.withoutDone(),
                Reply.sse(content("hello") + "\n", content(" world"), finish("stop")).withEol("\r\n").withComment());
    }

    @ParameterizedTest
    @MethodSource("oddButValidStreams")
    void crlfCrCommentsAndAMissingDoneAllGiveTheWholeAnswer(Reply reply) {
        upstream.reply(reply);
        api().body("{" + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(200)
                .body("choices[0].message.content", equalTo("hello world"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("choices[0].message.tool_calls", nullValue());
    }

    @Test
    void multiLineDataIsOneChunk() {
        String pretty = "{\"choices\":[{\"index\":0,\n\"delta\":{\"content\":\"split\"},"
                + "\n\"finish_reason\":\"stop\"}]}";
        upstream.reply(Reply.sse(pretty));
        api().body("{" + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(200).body("choices[0].message.content", equalTo("split"));
    }

    private static FakeUpstream.Received drainToLast() throws InterruptedException {
        FakeUpstream.Received last = null;
        FakeUpstream.Received next;
        while ((next = upstream.pollRequest()) != null) {
            last = next;
        }
        return last;
    }
}
