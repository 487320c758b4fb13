package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static dev.clawgate.it.Reply.role;
import static dev.clawgate.it.Reply.toolCall;
import static dev.clawgate.it.Reply.usage;
import static dev.clawgate.it.StreamingTest.assertSseHead;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/responses} and {@code GET /v1/responses/{id}} over HTTP against the WAR in embedded Jetty: the exact
 * bytes of a text reply and a tool-call reply (blocking and streamed; ids numbered in order of appearance, times
 * replaced), conversations through {@code previous_response_id}, stored responses, the errors, and the stream's
 * keepalives and cancellation. Agent {@code main} is the built-in echo, agent {@code tools} the fake upstream.
 */
class ResponsesTest {
    static final String AUTH = "Authorization: Bearer " + GatewayServer.TOKEN;
    static final Reply TOOL = Reply.sse(role(), toolCall(0, "call_w", "get_weather", "{\"ci"),
            toolCall(0, null, null, "ty\":\"Paris\"}"), finish("tool_calls"), usage(9, 4, null));
    static final String WEATHER_TOOL = "{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather\","
            + "\"parameters\":{\"type\":\"object\"},\"strict\":false}";

    static FakeUpstream upstream;
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        server = GatewayServer.start("models.providers.fake.baseUrl", upstream.baseUrl(),
                "agents.main.model", "echo/echo", "agents.tools.model", "fake/some-model",
                "gateway.http.heartbeatMs", "200");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        upstream.close();
    }

    /** Numbers every {@code resp_}, {@code msg_} and {@code fc_} id in order of appearance and blanks the times. */
    static String normal(String s) {
        Map<String, String> seen = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\b(resp|msg|fc)_[A-Za-z0-9]{24}\\b").matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String id = seen.computeIfAbsent(m.group(), k -> m.group(1) + "_" + counts.merge(m.group(1), 1,
                    Integer::sum));
            m.appendReplacement(b, id);
        }
        m.appendTail(b);
        return b.toString().replaceAll("\"created_at\":\\d+", "\"created_at\":T");
    }

    /** The response object as the gateway writes it for a request with the defaults. */
    static String object(String status, String model, String output, String outputText, String tools, String usage) {
        return "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":T,\"status\":\"" + status + "\","
                + "\"background\":false,\"error\":null,\"incomplete_details\":null,\"instructions\":null,"
                + "\"max_output_tokens\":null,\"model\":\"" + model + "\",\"output\":" + output + ",\"output_text\":"
                + outputText + ",\"parallel_tool_calls\":true,\"previous_response_id\":null,\"store\":true,"
                + "\"temperature\":null,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":"
                + tools + ",\"top_p\":null,\"truncation\":\"disabled\",\"usage\":" + usage + ",\"user\":null,"
                + "\"metadata\":{}}";
    }

    static String usageJson(int in, int out) {
        return "{\"input_tokens\":" + in + ",\"input_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":0},"
                + "\"output_tokens\":" + out + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":"
                + (in + out) + "}";
    }

    static final String ECHO_MESSAGE = "{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\","
            + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"echo: hello world\","
            + "\"annotations\":[]}]}";
    static final String WEATHER_CALL = "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_w\","
            + "\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\",\"status\":\"completed\"}";

    static List<String> events(String body) {
        String normal = normal(body);
        assertTrue(normal.endsWith("\n\n"), "the stream ends with a blank line");
        return Arrays.asList(normal.substring(0, normal.length() - 2).split("\n\n", -1));
    }

    static String event(String type, int sequence, String rest) {
        return "event: " + type + "\ndata: {\"type\":\"" + type + "\",\"sequence_number\":" + sequence + rest + "}";
    }

    static Response post(String body) {
        return server.api().body(body).post("/v1/responses");
    }

    @Test
    void aBlockingResponseFromTheEchoAgentIsExactlyTheResponseObject() throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/responses", "{\"model\":\"openclaw:main\",\"input\":\"hello world\"}", AUTH);
            String head = http.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("\ncontent-type: application/json;charset=utf-8\n"), head);
            assertEquals(object("completed", "openclaw:main", "[" + ECHO_MESSAGE + "]", "\"echo: hello world\"", "[]",
                    usageJson(2, 3)), normal(http.readFixedBody(head)));
        }
    }

    @Test
    void aStreamedResponseSendsTheDocumentedEventsInOrderAsExactBytes() throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/responses", "{\"model\":\"openclaw:main\",\"stream\":true,\"input\":\"hello world\"}",
                    AUTH);
            assertSseHead(http.readHead());
            String inProgress = ",\"response\":" + object("in_progress", "openclaw:main", "[]", "\"\"", "[]", "null");
            String item = ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0";
            assertEquals(List.of(
                    event("response.created", 0, inProgress),
                    event("response.in_progress", 1, inProgress),
                    event("response.output_item.added", 2, ",\"output_index\":0,\"item\":{\"type\":\"message\","
                            + "\"id\":\"msg_1\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}"),
                    event("response.content_part.added", 3, item + ",\"part\":{\"type\":\"output_text\",\"text\":\"\","
                            + "\"annotations\":[]}"),
                    event("response.output_text.delta", 4, item + ",\"delta\":\"echo:\",\"logprobs\":[]"),
                    event("response.output_text.delta", 5, item + ",\"delta\":\" hello\",\"logprobs\":[]"),
                    event("response.output_text.delta", 6, item + ",\"delta\":\" world\",\"logprobs\":[]"),
                    event("response.output_text.done", 7, item + ",\"text\":\"echo: hello world\",\"logprobs\":[]"),
                    event("response.content_part.done", 8, item + ",\"part\":{\"type\":\"output_text\","
                            + "\"text\":\"echo: hello world\",\"annotations\":[]}"),
                    event("response.output_item.done", 9, ",\"output_index\":0,\"item\":" + ECHO_MESSAGE),
                    event("response.completed", 10, ",\"response\":" + object("completed", "openclaw:main",
                            "[" + ECHO_MESSAGE + "]", "\"echo: hello world\"", "[]", usageJson(2, 3)))),
                    events(http.readChunkedBody()));
        }
    }

    @Test
    void aStreamedToolCallSendsTheCallItemItsArgumentDeltasAndDoneAsExactBytes() throws Exception {
        upstream.reply(TOOL);
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/responses", "{\"model\":\"openclaw:tools\",\"stream\":true,\"input\":\"weather?\","
                    + "\"tools\":[" + WEATHER_TOOL + "]}", AUTH);
            assertSseHead(http.readHead());
            String tools = "[" + WEATHER_TOOL + "]";
            String inProgress = ",\"response\":" + object("in_progress", "openclaw:tools", "[]", "\"\"", tools, "null");
            String item = ",\"item_id\":\"fc_1\",\"output_index\":0";
            assertEquals(List.of(
                    event("response.created", 0, inProgress),
                    event("response.in_progress", 1, inProgress),
                    event("response.output_item.added", 2, ",\"output_index\":0,\"item\":{\"type\":\"function_call\","
                            + "\"id\":\"fc_1\",\"call_id\":\"call_w\",\"name\":\"get_weather\",\"arguments\":\"\","
                            + "\"status\":\"in_progress\"}"),
                    event("response.function_call_arguments.delta", 3, item + ",\"delta\":\"{\\\"ci\""),
                    event("response.function_call_arguments.delta", 4, item + ",\"delta\":\"ty\\\":\\\"Paris\\\"}\""),
                    event("response.function_call_arguments.done", 5, item + ",\"name\":\"get_weather\","
                            + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\""),
                    event("response.output_item.done", 6, ",\"output_index\":0,\"item\":" + WEATHER_CALL),
                    event("response.completed", 7, ",\"response\":" + object("completed", "openclaw:tools",
                            "[" + WEATHER_CALL + "]", "\"\"", tools, usageJson(9, 4)))),
                    events(http.readChunkedBody()));
        }
        assertEquals("{\"model\":\"some-model\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":"
                + "{\"type\":\"object\"},\"strict\":false}}]}", upstream.nextRequest().body());
    }

    @Test
    void aBlockingToolCallIsAFunctionCallItemAndTheFormatReachesTheUpstreamAsResponseFormat() throws Exception {
        upstream.reply(TOOL);
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/responses", "{\"input\":\"weather?\",\"tools\":[" + WEATHER_TOOL + "]}",
                    AUTH, "x-openclaw-agent-id: tools");
            String head = http.readHead();
            assertEquals(object("completed", "openclaw", "[" + WEATHER_CALL + "]", "\"\"", "[" + WEATHER_TOOL + "]",
                    usageJson(9, 4)), normal(http.readFixedBody(head)));
        }
        upstream.nextRequest();
        upstream.reply(Reply.sse(role(), content("{\"city\":\"Paris\"}"), finish("stop")));
        post("{\"model\":\"openclaw:tools\",\"input\":\"a city\",\"text\":{\"format\":{\"type\":\"json_schema\","
                + "\"name\":\"city\",\"schema\":{\"type\":\"object\"},\"strict\":true}}}").then().statusCode(200)
                .body("output_text", equalTo("{\"city\":\"Paris\"}"))
                .body("text.format.type", equalTo("json_schema")).body("text.format.name", equalTo("city"));
        assertTrue(upstream.nextRequest().body().endsWith(",\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"city\",\"schema\":{\"type\":\"object\"},\"strict\":true}}}"));
    }

    @Test
    void previousResponseIdContinuesTheConversationAndGetReturnsTheStoredObject() {
        // the echo agent counts every word of its prompt: 2, then 2 + "echo: a b" (3) + 1 = 6, then 6 + "echo: c" (2) + 1
        Response first = post("{\"input\":\"a b\"}");
        first.then().statusCode(200).body("usage.input_tokens", equalTo(2));
        String id = first.path("id");
        Response second = post("{\"input\":\"c\",\"previous_response_id\":\"" + id + "\"}");
        second.then().statusCode(200).body("usage.input_tokens", equalTo(6))
                .body("previous_response_id", equalTo(id)).body("output_text", equalTo("echo: c"));
        post("{\"input\":[{\"role\":\"user\",\"content\":\"d\"}],\"previous_response_id\":\"" + second.path("id")
                + "\"}").then().statusCode(200).body("usage.input_tokens", equalTo(9));

        server.api().get("/v1/responses/" + id).then().statusCode(200)
                .contentType(startsWith("application/json")).body(equalTo(first.asString()));
        server.api().get("/v1/responses/" + second.path("id")).then().statusCode(200)
                .body(equalTo(second.asString()));
    }

    @Test
    void storeFalseKeepsNothingAndReadsAContinuedConversationWithoutAddingToIt() {
        Response unstored = post("{\"input\":\"a b\",\"store\":false}");
        unstored.then().statusCode(200).body("store", equalTo(false));
        server.api().get("/v1/responses/" + unstored.path("id")).then().statusCode(404);
        post("{\"input\":\"c\",\"previous_response_id\":\"" + unstored.path("id") + "\"}").then().statusCode(400)
                .body("error.code", equalTo("previous_response_not_found"));

        String id = post("{\"input\":\"a b\"}").path("id");
        post("{\"input\":\"c\",\"store\":false,\"previous_response_id\":\"" + id + "\"}").then().statusCode(200)
                .body("usage.input_tokens", equalTo(6));
        post("{\"input\":\"d\",\"previous_response_id\":\"" + id + "\"}").then().statusCode(200)
                .body("usage.input_tokens", equalTo(6)); // "c" and its answer were not kept
    }

    @Test
    void unknownIdsAre404AndUnknownPreviousIds400InTheOpenAiErrorShape() {
        server.api().get("/v1/responses/resp_doesNotExist").then().statusCode(404)
                .contentType(startsWith("application/json")).body(equalTo("{\"error\":{\"message\":\"Response with id "
                        + "'resp_doesNotExist' not found.\",\"type\":\"invalid_request_error\",\"param\":null,"
                        + "\"code\":\"not_found\"}}"));
        server.api().get("/v1/responses/not-an-id").then().statusCode(404).body("error.code", equalTo("not_found"));
        server.api().get("/v1/responses/resp_x/input_items").then().statusCode(404);
        post("{\"input\":\"hi\",\"previous_response_id\":\"resp_unknown\"}").then().statusCode(400)
                .body(equalTo("{\"error\":{\"message\":\"Previous response with id 'resp_unknown' not found.\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"previous_response_id\","
                        + "\"code\":\"previous_response_not_found\"}}"));
    }

    @Test
    void badRequestsAreOpenAiErrorsBeforeAnythingRuns() {
        post("{\"input\":5}").then().statusCode(400).body("error.param", equalTo("input"))
                .body("error.type", equalTo("invalid_request_error"));
        post("{\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}").then().statusCode(400)
                .body("error.param", equalTo("tools")).body("error.code", equalTo("unsupported_value"));
        post("{\"input\":").then().statusCode(400).body("error.type", equalTo("invalid_request_error"));
        post("{\"model\":\"openclaw:nobody\",\"input\":\"hi\"}").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"));
        server.api().header("x-openclaw-agent-id", "nobody").body("{\"input\":\"hi\"}").post("/v1/responses").then()
                .statusCode(404).body("error.code", equalTo("model_not_found"));
        // chat clients cannot name a Responses conversation as their session
        server.api().header("x-openclaw-session-key", "responses:8:operator:conv:resp_x")
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions").then()
                .statusCode(400).body("error.code", equalTo("invalid_session_key"));
    }

    @Test
    void theRouteNeedsTheTokenAndTheRightMethodAndIsOffWithChatCompletions() throws Exception {
        given().baseUri(server.baseUrl()).contentType("application/json").body("{\"input\":\"hi\"}")
                .post("/v1/responses").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        server.api().get("/v1/responses").then().statusCode(405).header("Allow", "POST");
        server.api().delete("/v1/responses/resp_abc").then().statusCode(405).header("Allow", "GET");
        try (GatewayServer off = GatewayServer.start("gateway.http.endpoints.chatCompletions.enabled", "false")) {
            off.api().body("{\"input\":\"hi\"}").post("/v1/responses").then().statusCode(404)
                    .body("error.code", equalTo("not_found"));
            off.api().get("/v1/responses/resp_abc").then().statusCode(404).body("error.code", equalTo("not_found"));
        }
    }

    @Test
    void anUpstreamFailureBeforeTheModelAnswersIsAStatusAndAfterItAResponseFailedEvent() throws Exception {
        upstream.reply(Reply.error(500, "{\"error\":{\"message\":\"boom\"}}"));
        post("{\"model\":\"openclaw:tools\",\"stream\":true,\"input\":\"hi\"}").then().statusCode(502)
                .contentType(startsWith("application/json")).body("error.type", equalTo("api_error"));
        upstream.nextRequest();

        upstream.reply(Reply.sse(role(), content("Hel"), content("lo"), finish("stop")).droppedAfter(2));
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/responses", "{\"model\":\"openclaw:tools\",\"stream\":true,\"input\":\"hi\"}", AUTH);
            assertSseHead(http.readHead());
            List<String> events = events(http.readChunkedBody());
            String last = events.get(events.size() - 1);
            assertTrue(last.startsWith("event: response.failed\ndata: {\"type\":\"response.failed\","), last);
            assertTrue(last.contains("\"status\":\"failed\",\"background\":false,\"error\":{\"code\":\"server_error\","),
                    last);
            assertTrue(events.get(events.size() - 2).startsWith("event: response.output_item.done\n"), events.get(
                    events.size() - 2));
        }
        upstream.nextRequest();
    }

    @Test
    void aSilentStreamGetsKeepalivesAndAClientThatHangsUpCancelsTheUpstreamCall() throws Exception {
        upstream.reply(Reply.sse(role(), content("one token, then nothing")).heldOpen());
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/responses", "{\"model\":\"openclaw:tools\",\"stream\":true,\"input\":\"hi\"}", AUTH);
            assertSseHead(http.readHead());
            String opened = http.readChunk();
            assertTrue(opened.startsWith("event: response.created\n"), opened);
            String chunk = http.readChunk();
            while (!chunk.equals(": keepalive\n\n")) { // the events of the one token, then silence
                assertTrue(chunk.startsWith("event: response."), chunk);
                chunk = http.readChunk();
            }
            assertEquals(": keepalive\n\n", http.readChunk());
        }
        assertTrue(upstream.awaitClientClose(10, TimeUnit.SECONDS) > 0, "the upstream call was not cancelled");
        upstream.nextRequest();
    }

    @Test
    void aResponseRunsOutOfTimeWithA504AsForChat() throws Exception {
        try (GatewayServer slow = GatewayServer.start("models.providers.echo.wordDelayMs", "60000",
                "gateway.http.streamTimeoutMs", "300")) {
            slow.api().body("{\"input\":\"hi\"}").post("/v1/responses").then().statusCode(504)
                    .body("error.code", equalTo("timeout")).body("error.param", nullValue());
        }
    }
}
