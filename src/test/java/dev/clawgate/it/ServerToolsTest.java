package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static dev.clawgate.it.Reply.toolCall;
import static dev.clawgate.it.Reply.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Gateway;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.mcp.TestMcpServer;
import io.restassured.response.Response;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent loop over HTTP: the gateway (embedded Jetty, real web.xml) offers the tools of the MCP SDK's own server
 * to a fake model upstream that calls them, runs the calls, and calls the model again. The last user message picks
 * what the fake model does (see {@link #script}).
 */
class ServerToolsTest {
    static TestMcpServer mcp;
    static FakeUpstream upstream;
    static GatewayServer server;
    static final LinkedBlockingQueue<String> toolEvents = new LinkedBlockingQueue<>();
    static final LinkedBlockingQueue<String> fallbacks = new LinkedBlockingQueue<>();

    static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    static List<JsonObject> messages(String body, String role) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonValue m : json(body).getJsonArray("messages")) {
            if (role.equals(m.asJsonObject().getString("role"))) {
                out.add(m.asJsonObject());
            }
        }
        return out;
    }

    static String lastUser(String body) {
        List<JsonObject> users = messages(body, "user");
        return users.get(users.size() - 1).getString("content");
    }

    static String lastTool(String body) {
        List<JsonObject> tools = messages(body, "tool");
        return tools.get(tools.size() - 1).getString("content");
    }

    /** A usage chunk with cached and reasoning tokens in its details. */
    static String usageWithDetails(long prompt, long completion, long cached, long reasoning) {
        return "{\"id\":\"up-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":" + reasoning + "}}}";
    }

    /**
     * The fake model: per scenario (the last user message), per number of tool results it has seen. Model
     * {@code sick} is always overloaded (503); model {@code m} is overloaded once a {@code relapse} has a tool
     * result, which model {@code spare} then answers.
     */
    static Reply script(FakeUpstream.Received r) {
        String body = r.body();
        int results = messages(body, "tool").size();
        boolean offered = json(body).containsKey("tools");
        String model = json(body).getString("model");
        if (model.equals("sick") || model.equals("m") && lastUser(body).equals("relapse") && results > 0) {
            return Reply.error(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
        }
        return switch (lastUser(body)) {
            case "echo" -> results == 0
                    ? Reply.sse(content("Let me check."), toolCall(0, "call_e", "test__echo", "{\"text\":\"hi\"}"),
                            finish("tool_calls"), usage(10, 2, null))
                    : Reply.sse(content("done: " + lastTool(body)), finish("stop"), usage(20, 3, null));
            case "two" -> results == 0 ? Reply.sse(toolCall(0, "call_1", "test__echo", "{\"text\":\"x\"}"),
                    finish("tool_calls"))
                    : results == 1 ? Reply.sse(toolCall(0, "call_2", "test__add", "{\"a\":2,\"b\":3}"),
                    finish("tool_calls"))
                    : Reply.sse(content("sum " + lastTool(body)), finish("stop"));
            case "forever" -> offered ? Reply.sse(toolCall(0, "call_" + results, "test__echo", "{\"text\":\"again\"}"),
                    finish("tool_calls")) : Reply.sse(content("gave up"), finish("stop"));
            case "fail" -> results == 0 ? Reply.sse(toolCall(0, "call_f", "test__fail", "{}"), finish("tool_calls"))
                    : Reply.sse(content(lastTool(body)), finish("stop"));
            case "badjson" -> results == 0 ? Reply.sse(toolCall(0, "call_b", "test__echo", "{not json"),
                    finish("tool_calls")) : Reply.sse(content(lastTool(body)), finish("stop"));
            case "mixed" -> Reply.sse(toolCall(0, "call_s", "test__echo", "{\"text\":\"side\"}"),
                    toolCall(1, "call_c", "get_weather", null), toolCall(1, null, null, "{\"city\":\"Oslo\"}"),
                    finish("tool_calls"));
            case "slow" -> results == 0 ? Reply.sse(toolCall(0, "call_s", "test__slow", "{}"), finish("tool_calls"))
                    : Reply.sse(content("late"), finish("stop"));
            case "hold" -> results == 0 ? Reply.sse(toolCall(0, "call_h", "test__echo", "{\"text\":\"h\"}"),
                    finish("tool_calls")) : Reply.sse(content("tick")).heldOpen();
            case "many" -> results == 0 ? Reply.sse(java.util.stream.IntStream.range(0, 34).mapToObj(i -> toolCall(i,
                    "call_" + i, "test__echo", "{\"text\":\"n" + i + "\"}")).toArray(String[]::new))
                    : Reply.sse(content(results + " results"), finish("stop"));
            case "big" -> results == 0 ? Reply.sse(content("a".repeat(600)),
                    toolCall(0, "call_g", "test__echo", "{\"text\":\"g\"}"), finish("tool_calls"))
                    : Reply.sse(content("b".repeat(600)), finish("stop"));
            case "relapse" -> results == 0 ? Reply.sse(toolCall(0, "call_r", "test__echo", "{\"text\":\"hi\"}"),
                    finish("tool_calls")) : Reply.sse(content("rescued: " + lastTool(body)), finish("stop"));
            case "details" -> results == 0 ? Reply.sse(toolCall(0, "call_d", "test__echo", "{\"text\":\"d\"}"),
                    finish("tool_calls"), usageWithDetails(10, 2, 4, 1))
                    : Reply.sse(content("ok"), finish("stop"), usageWithDetails(20, 3, 6, 2));
            case "think" -> results == 0 ? Reply.sse(Reply.delta("{\"reasoning_content\":\"pondering\"}"),
                    toolCall(0, "call_t", "test__echo", "{\"text\":\"t\"}"), finish("tool_calls"))
                    : Reply.sse(Reply.delta("{\"reasoning_content\":\"more\"}"), content("thought"), finish("stop"));
            case "hugeargs" -> results == 0 ? Reply.sse(content("x"), toolCall(0, "call_h", "test__echo",
                    "{\"text\":\"" + "y".repeat(1100) + "\"}"), finish("tool_calls"))
                    : Reply.sse(content("ran"), finish("stop"));
            default -> Reply.sse(content("plain"), finish("stop"));
        };
    }

    @BeforeAll
    static void start() throws Exception {
        mcp = TestMcpServer.start(0);
        upstream = FakeUpstream.start();
        upstream.reply(ServerToolsTest::script);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        server = GatewayServer.start(
                "models.providers.fake.baseUrl", upstream.baseUrl(),
                "models.providers.flaky.baseUrl", upstream.baseUrl(),
                "mcp.servers.test.url", mcp.url(),
                "mcp.servers.test.timeoutMs", "20000",
                "mcp.servers.down.url", "http://127.0.0.1:" + closedPort + "/mcp",
                "agents.main.model", "fake/m", "agents.main.mcpServers", "test",
                "agents.narrow.model", "fake/m", "agents.narrow.mcpServers", "test", "agents.narrow.tools", "test/echo",
                "agents.capped.model", "fake/m", "agents.capped.mcpServers", "test", "agents.capped.maxToolRounds", "2",
                "agents.loud.model", "fake/m", "agents.loud.mcpServers", "test", "agents.loud.toolProgress", "reasoning",
                "agents.hushed.model", "fake/m", "agents.hushed.mcpServers", "test",
                "agents.hushed.toolProgress", "reasoning", "agents.hushed.reasoning", "drop",
                "agents.failover.model", "flaky/sick", "agents.failover.fallbacks", "fake/m",
                "agents.failover.mcpServers", "test",
                "agents.relay.model", "fake/m", "agents.relay.fallbacks", "flaky/spare", "agents.relay.mcpServers", "test",
                "gateway.http.heartbeatMs", "200", "gateway.http.maxReplyBytes", "1024");
        Gateway gateway = (Gateway) server.context().getServletContext().getAttribute(Gateway.ATTRIBUTE);
        gateway.tools().firstAttempts().get(20, TimeUnit.SECONDS);
        gateway.events(new GatewayEvents() {
            @Override
            public void toolCalled(String agent, String srv, String tool, String outcome, long durationNanos) {
                toolEvents.add(agent + " " + srv + "/" + tool + " " + outcome);
            }

            @Override
            public void upstreamFallback(String agent, String from, String to) {
                fallbacks.add(agent + " " + from + " -> " + to);
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        upstream.close();
        mcp.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        upstream.pollRequestBodies();
        toolEvents.clear();
        fallbacks.clear();
    }

    static Response chat(String model, String text) {
        return server.api().body("{\"model\":\"openclaw/" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + text + "\"}]}").post("/v1/chat/completions");
    }

    static List<String> functionNames(String requestBody) {
        List<String> names = new ArrayList<>();
        JsonArray tools = json(requestBody).getJsonArray("tools");
        tools.forEach(t -> names.add(t.asJsonObject().getJsonObject("function").getString("name")));
        return names;
    }

    @Test
    void aServerToolIsCalledAndTheModelAnswersWithItsResult() throws Exception {
        Response r = chat("main", "echo");
        assertEquals(200, r.statusCode());
        JsonObject message = json(r.asString()).getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertEquals("Let me check.\n\ndone: hi", message.getString("content"));
        assertFalse(message.containsKey("tool_calls"), "server tool calls never reach the client");
        assertEquals("stop", json(r.asString()).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
        JsonObject u = json(r.asString()).getJsonObject("usage");
        assertEquals(30, u.getInt("prompt_tokens"));
        assertEquals(5, u.getInt("completion_tokens"));

        String first = upstream.nextRequest().body();
        assertTrue(functionNames(first).contains("test__echo"), first);
        JsonObject echo = json(first).getJsonArray("tools").getValuesAs(JsonObject.class).stream()
                .filter(t -> t.getJsonObject("function").getString("name").equals("test__echo")).findFirst().get();
        assertEquals("string", echo.getJsonObject("function").getJsonObject("parameters").getJsonObject("properties")
                .getJsonObject("text").getString("type"));
        String second = upstream.nextRequest().body();
        JsonObject assistant = messages(second, "assistant").get(0);
        assertEquals("call_e", assistant.getJsonArray("tool_calls").getJsonObject(0).getString("id"));
        JsonObject tool = messages(second, "tool").get(0);
        assertEquals("call_e", tool.getString("tool_call_id"));
        assertEquals("hi", tool.getString("content"));
        assertEquals("main test/echo ok", toolEvents.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aReplyOfSeveralRoundsIsCutAtMaxReplyBytesWithFinishReasonLength() {
        Response r = chat("main", "big");
        assertEquals(200, r.statusCode());
        JsonObject choice = json(r.asString()).getJsonArray("choices").getJsonObject(0);
        assertEquals("length", choice.getString("finish_reason"));
        assertEquals("a".repeat(600) + "\n\n", choice.getJsonObject("message").getString("content"));
    }

    @Test
    void aServerCallWhoseArgumentsPassMaxReplyBytesIsNeverRunAndEndsTheReplyWithLength() throws Exception {
        Response r = chat("main", "hugeargs");
        assertEquals(200, r.statusCode());
        JsonObject choice = json(r.asString()).getJsonArray("choices").getJsonObject(0);
        assertEquals("length", choice.getString("finish_reason"));
        assertEquals("x", choice.getJsonObject("message").getString("content"));
        upstream.nextRequest();
        assertNull(upstream.pollRequest(), "no second round");
        assertNull(toolEvents.poll(), "the tool was not called");
    }

    @Test
    void aStreamShowsTheFinalAnswerWithoutTheServerToolCallsAndAnnouncesThemAsReasoning() throws Exception {
        String sse = server.api().body("{\"model\":\"openclaw/loud\",\"stream\":true,\"stream_options\":"
                + "{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"echo\"}]}")
                .post("/v1/chat/completions").asString();
        assertFalse(sse.contains("tool_calls"), sse);
        assertTrue(sse.contains("\"reasoning_content\":\"calling test__echo…\\n\""), sse);
        assertTrue(sse.contains("\"content\":\"done: hi\""), sse);
        assertTrue(sse.contains("\"finish_reason\":\"stop\""), sse);
        assertTrue(sse.contains("\"prompt_tokens\":30,\"completion_tokens\":5"), sse);
        assertTrue(sse.endsWith("data: [DONE]\n\n"), sse);
        assertTrue(sse.indexOf("calling test__echo") < sse.indexOf("done: hi"));
    }

    @Test
    void aStreamWithoutToolProgressShowsNoReasoning() {
        String sse = server.api().body("{\"model\":\"openclaw/main\",\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"echo\"}]}").post("/v1/chat/completions").asString();
        assertFalse(sse.contains("reasoning_content"), sse);
        assertTrue(sse.contains("\"content\":\"done: hi\""), sse);
    }

    @Test
    void twoRoundsOfToolsRunInTurn() throws Exception {
        Response r = chat("main", "two");
        assertEquals("sum 5", json(r.asString()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getString("content"));
        assertEquals(3, 1 + countRequests(2));
    }

    private static int countRequests(int expectedAfterFirst) throws InterruptedException {
        assertNotNull(upstream.nextRequest());
        int n = 0;
        for (int i = 0; i < expectedAfterFirst; i++) {
            if (upstream.nextRequest() != null) {
                n++;
            }
        }
        assertNull(upstream.pollRequest(), "no more model calls");
        return n;
    }

    @Test
    void afterMaxToolRoundsTheModelIsAskedOnceMoreWithoutTools() throws Exception {
        Response r = chat("capped", "forever");
        assertEquals("gave up", json(r.asString()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getString("content"));
        assertTrue(json(upstream.nextRequest().body()).containsKey("tools"));
        assertTrue(json(upstream.nextRequest().body()).containsKey("tools"));
        String last = upstream.nextRequest().body();
        assertFalse(json(last).containsKey("tools"), last);
        assertEquals(2, messages(last, "tool").size());
        assertNull(upstream.pollRequest());
    }

    @Test
    void aToolOutsideTheAllowlistIsNeverOffered() throws Exception {
        chat("narrow", "plain");
        assertEquals(List.of("test__echo"), functionNames(upstream.nextRequest().body()));
        chat("main", "plain");
        List<String> all = functionNames(upstream.nextRequest().body());
        assertTrue(all.containsAll(List.of("test__echo", "test__add", "test__fail")), all.toString());
    }

    @Test
    void aFailingToolBecomesAnErrorResultForTheModelNotAnHttpError() throws Exception {
        Response r = chat("main", "fail");
        assertEquals(200, r.statusCode());
        assertEquals("Error: boom", json(r.asString()).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("content"));
        assertEquals("main test/fail tool_error", toolEvents.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void atMost32CallsOfOneResponseRunAndTheRestAreAnsweredWithAnError() throws Exception {
        Response r = chat("main", "many");
        assertEquals("34 results", json(r.asString()).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("content"));
        upstream.nextRequest();
        List<JsonObject> results = messages(upstream.nextRequest().body(), "tool");
        assertEquals("n31", results.get(31).getString("content"));
        assertEquals("Error: not run: more than 32 tool calls in one response", results.get(32).getString("content"));
        assertEquals("call_33", results.get(33).getString("tool_call_id"));
    }

    @Test
    void argumentsThatAreNotJsonBecomeAnErrorResult() {
        Response r = chat("main", "badjson");
        assertEquals(200, r.statusCode());
        String text = json(r.asString()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getString("content");
        assertTrue(text.startsWith("Error: "), text);
    }

    @Test
    void aClientToolCallEndsTheRunAfterTheServerCallsOfTheSameResponse() throws Exception {
        Response r = server.api().body("{\"model\":\"openclaw/main\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"mixed\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"parameters\":{\"type\":\"object\"}}}]}").post("/v1/chat/completions");
        JsonObject choice = json(r.asString()).getJsonArray("choices").getJsonObject(0);
        assertEquals("tool_calls", choice.getString("finish_reason"));
        JsonArray calls = choice.getJsonObject("message").getJsonArray("tool_calls");
        assertEquals(1, calls.size());
        assertEquals("get_weather", calls.getJsonObject(0).getJsonObject("function").getString("name"));
        assertEquals("{\"city\":\"Oslo\"}", calls.getJsonObject(0).getJsonObject("function").getString("arguments"));
        List<String> offered = functionNames(upstream.nextRequest().body());
        assertEquals("get_weather", offered.get(0), "the client's own tools come first, as sent");
        assertTrue(offered.contains("test__echo"));
        assertNull(upstream.pollRequest(), "the client's tool call ends the run");
        assertEquals("main test/echo ok", toolEvents.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aStreamedClientToolCallIsRenumberedFromZero() {
        String sse = server.api().body("{\"model\":\"openclaw/main\",\"stream\":true,\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"mixed\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
                + "\"get_weather\"}}]}").post("/v1/chat/completions").asString();
        assertTrue(sse.contains("{\"index\":0,\"id\":\"call_c\",\"type\":\"function\",\"function\":{\"name\":"
                + "\"get_weather\"}}"), sse);
        assertFalse(sse.contains("test__echo"), sse);
        assertTrue(sse.contains("\"finish_reason\":\"tool_calls\""), sse);
    }

    @Test
    void theToolRoundIsStoredInTheSessionTranscript() throws Exception {
        Response first = server.api().header("x-openclaw-session-key", "tools-kept").body("{\"model\":"
                + "\"openclaw/main\",\"messages\":[{\"role\":\"user\",\"content\":\"echo\"}]}")
                .post("/v1/chat/completions");
        assertEquals(200, first.statusCode());
        upstream.pollRequestBodies();
        server.api().header("x-openclaw-session-key", "tools-kept").body("{\"model\":\"openclaw/main\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"plain\"}]}").post("/v1/chat/completions");
        String next = upstream.nextRequest().body();
        List<String> roles = new ArrayList<>();
        json(next).getJsonArray("messages").forEach(m -> roles.add(m.asJsonObject().getString("role")));
        assertEquals(List.of("user", "assistant", "tool", "assistant", "user"), roles);
        assertEquals("hi", messages(next, "tool").get(0).getString("content"));
        assertEquals("call_e", messages(next, "assistant").get(0).getJsonArray("tool_calls").getJsonObject(0)
                .getString("id"));
        assertEquals("done: hi", messages(next, "assistant").get(1).getString("content"));
    }

    @Test
    void aClientThatGoesAwayCancelsTheToolCallInFlight() throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"stream\":true,\"model\":\"openclaw/main\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"slow\"}]}", "Authorization: Bearer " + GatewayServer.TOKEN);
            assertTrue(http.readHead().startsWith("HTTP/1.1 200"));
            assertTrue(http.readChunk().contains("\"role\":\"assistant\""));
            assertTrue(mcp.slowStarted.await(10, TimeUnit.SECONDS));
        }
        assertEquals("main test/slow cancelled", toolEvents.poll(10, TimeUnit.SECONDS));
        upstream.nextRequest();
        assertNull(upstream.pollRequest(), "no model call after the client went away");
    }

    @Test
    void aClientThatGoesAwayCancelsTheModelCallOfALaterRound() throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"stream\":true,\"model\":\"openclaw/main\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"hold\"}]}", "Authorization: Bearer " + GatewayServer.TOKEN);
            assertTrue(http.readHead().startsWith("HTTP/1.1 200"));
            String chunks = http.readChunk();
            while (!chunks.contains("tick")) {
                chunks += http.readChunk();
            }
        }
        assertTrue(upstream.awaitClientClose(10, TimeUnit.SECONDS) > 0, "the second model call was not cancelled");
    }

    @Test
    void aFirstRoundWhoseModelFailsBeforeAnsweringFallsBackAndLaterRoundsStayOnTheModelThatAnswered()
            throws Exception {
        Response r = chat("failover", "echo");
        assertEquals(200, r.statusCode());
        assertEquals("fake/m", r.header("x-openclaw-upstream-model"));
        assertEquals("Let me check.\n\ndone: hi", json(r.asString()).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("content"));
        assertEquals("sick", json(upstream.nextRequest().body()).getString("model"));
        assertEquals("m", json(upstream.nextRequest().body()).getString("model"));
        String second = upstream.nextRequest().body();
        assertEquals("m", json(second).getString("model"), "the second round starts at the model that answered");
        assertEquals("hi", lastTool(second));
        assertNull(upstream.pollRequest());
        assertEquals("failover flaky/sick -> fake/m", fallbacks.poll(5, TimeUnit.SECONDS));
        assertNull(fallbacks.poll());
    }

    @Test
    void aLaterRoundWhoseModelFailsBeforeAnsweringFallsBackToTheNextModelOfTheChain() throws Exception {
        Response r = chat("relay", "relapse");
        assertEquals(200, r.statusCode());
        assertEquals("fake/m", r.header("x-openclaw-upstream-model"), "named when the first round answered");
        assertEquals("rescued: hi", json(r.asString()).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("content"));
        assertEquals("m", json(upstream.nextRequest().body()).getString("model"));
        assertEquals("m", json(upstream.nextRequest().body()).getString("model"));
        String rescue = upstream.nextRequest().body();
        assertEquals("spare", json(rescue).getString("model"));
        assertEquals("call_r", messages(rescue, "assistant").get(0).getJsonArray("tool_calls").getJsonObject(0)
                .getString("id"), "the fallback gets the conversation with the tool round");
        assertEquals("relay fake/m -> flaky/spare", fallbacks.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void moreThanOneChoiceOfAnAgentWithServerToolsIsRefusedWithA400NamingN() throws Exception {
        Response r = server.api().body("{\"model\":\"openclaw/main\",\"n\":2,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"echo\"}]}").post("/v1/chat/completions");
        assertEquals(400, r.statusCode());
        JsonObject error = json(r.asString()).getJsonObject("error");
        assertEquals("invalid_request_error", error.getString("type"));
        assertEquals("n", error.getString("param"));
        assertEquals("unsupported_value", error.getString("code"));
        assertTrue(error.getString("message").contains("one choice"), error.toString());
        assertNull(upstream.pollRequest(), "no model call");
        assertEquals(200, server.api().body("{\"model\":\"openclaw/main\",\"n\":1,\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"plain\"}]}").post("/v1/chat/completions").statusCode());
    }

    @Test
    void usageDetailsAreSummedOverTheRounds() {
        JsonObject u = json(chat("main", "details").asString()).getJsonObject("usage");
        assertEquals(30, u.getInt("prompt_tokens"));
        assertEquals(5, u.getInt("completion_tokens"));
        assertEquals(35, u.getInt("total_tokens"));
        assertEquals(10, u.getJsonObject("prompt_tokens_details").getInt("cached_tokens"));
        assertEquals(3, u.getJsonObject("completion_tokens_details").getInt("reasoning_tokens"));
    }

    @Test
    void theModelsReasoningOfEveryRoundReachesAStream() {
        String sse = server.api().body("{\"model\":\"openclaw/main\",\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"think\"}]}").post("/v1/chat/completions").asString();
        assertTrue(sse.contains("\"reasoning_content\":\"pondering\""), sse);
        assertTrue(sse.contains("\"reasoning_content\":\"more\""), sse);
        assertTrue(sse.contains("\"content\":\"thought\""), sse);
        assertFalse(sse.contains("test__echo"), sse);
    }

    @Test
    void reasoningDropHidesTheModelsReasoningButNotTheToolProgress() {
        String sse = server.api().body("{\"model\":\"openclaw/hushed\",\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"think\"}]}").post("/v1/chat/completions").asString();
        assertFalse(sse.contains("pondering"), sse);
        assertFalse(sse.contains("\"more\""), sse);
        assertTrue(sse.contains("\"reasoning_content\":\"calling test__echo…\\n\""), sse);
        assertTrue(sse.contains("\"content\":\"thought\""), sse);
    }

    @Test
    void readyzNamesEachMcpServerAndStaysReadyWhenOneIsDown() {
        Response r = server.api().get("/readyz");
        assertEquals(200, r.statusCode());
        JsonObject body = json(r.asString());
        assertEquals("ready", body.getString("status"));
        assertTrue(body.getJsonObject("mcp").getJsonObject("test").getBoolean("up"));
        assertFalse(body.getJsonObject("mcp").getJsonObject("down").getBoolean("up"));
    }
}
