package dev.clawgate.mcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class McpToolboxTest {
    private static final McpToolbox.Options FAST_RETRY = new McpToolbox.Options(Duration.ofMillis(50),
            Duration.ofMillis(200), 128, 65_536);

    private final RecordingEvents events = new RecordingEvents();
    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private ScheduledThreadPoolExecutor scheduler;
    private TestMcpServer server;
    private McpToolbox toolbox;

    @BeforeEach
    void startScheduler() {
        scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (toolbox != null) {
            toolbox.close();
        }
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : closeLast) {
            c.close();
        }
        scheduler.shutdownNow();
    }

    private McpToolbox start(McpToolbox.Options options, String... kv) throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            keys.put(kv[i], kv[i + 1]);
        }
        toolbox = McpToolbox.start(McpTestConfig.of(keys), options, scheduler, events);
        toolbox.firstAttempts().get(20, TimeUnit.SECONDS);
        return toolbox;
    }

    private McpToolbox startOnTestServer(String... extra) throws Exception {
        server = TestMcpServer.start(0);
        List<String> kv = new ArrayList<>(List.of("mcp.servers.test.url", server.url()));
        kv.addAll(List.of(extra));
        return start(FAST_RETRY, kv.toArray(String[]::new));
    }

    private static ToolResult await(CompletableFuture<ToolResult> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    private static final ToolAllowlist ALL = ToolAllowlist.allOf(Set.of("test"));

    @Test
    void listsAServersToolsAtStartUpAndReportsItUp() throws Exception {
        startOnTestServer();
        ServerStatus s = toolbox.statuses().get(0);
        assertTrue(s.up(), s.toString());
        assertEquals("streamable-http", s.transport());
        assertEquals(7, s.toolCount());
        McpTool echo = toolbox.tools("test").stream().filter(t -> t.name().equals("echo")).findFirst().orElseThrow();
        assertEquals("Echoes its text", echo.description());
        assertTrue(echo.inputSchemaJson().contains("\"text\""), echo.inputSchemaJson());
        assertTrue(echo.inputSchemaJson().contains("\"type\":\"object\""), echo.inputSchemaJson());
    }

    @Test
    void offersToolsAsOpenAiFunctionsWithTheirSchemas() throws Exception {
        startOnTestServer();
        ToolOffer offer = toolbox.offer("main", ALL);
        List<String> names = offer.tools().stream().map(OfferedTool::functionName).toList();
        assertEquals(List.of("test__add", "test__big", "test__echo", "test__fail", "test__headers", "test__picture",
                "test__slow"), names);
        String json = offer.tools().get(2).toJson();
        assertTrue(json.startsWith("{\"type\":\"function\",\"function\":{\"name\":\"test__echo\","
                + "\"description\":\"Echoes its text\",\"parameters\":{"), json);
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(json))) {
            assertEquals("object", reader.readObject().getJsonObject("function").getJsonObject("parameters")
                    .getString("type"));
        }
        assertTrue(offer.isServerTool("test__echo"));
        assertFalse(offer.isServerTool("get_weather"));
    }

    @Test
    void callsAToolAndReturnsItsTextContent() throws Exception {
        startOnTestServer();
        ToolOffer offer = toolbox.offer("main", ALL);
        ToolResult echo = await(offer.call("test__echo", "{\"text\":\"hello\"}"));
        assertEquals(new ToolResult("hello", false, ToolOutcome.OK), echo);
        assertEquals("5", await(toolbox.call("main", ALL, "test", "add", "{\"a\":2,\"b\":3}")).text());
        RecordingEvents.Call call = events.calls.get(0);
        assertEquals(List.of("main", "test", "echo", ToolOutcome.OK),
                List.of(call.agent(), call.server(), call.tool(), call.outcome()));
        assertTrue(call.durationNanos() > 0);
    }

    @Test
    void aToolThatFailsBecomesAnErrorResult() throws Exception {
        startOnTestServer();
        assertEquals(new ToolResult("boom", true, ToolOutcome.TOOL_ERROR),
                await(toolbox.call("main", ALL, "test", "fail", "{}")));
    }

    @Test
    void nonTextPartsAreSummarisedAndTextJoined() throws Exception {
        startOnTestServer();
        assertEquals("[image: image/png]\na caption", await(toolbox.call("main", ALL, "test", "picture", "")).text());
    }

    @Test
    void resultTextIsCappedWithANoteOfWhatWasLeftOut() throws Exception {
        server = TestMcpServer.start(0);
        start(new McpToolbox.Options(Duration.ofMillis(50), Duration.ofMillis(200), 128, 1000),
                "mcp.servers.test.url", server.url());
        ToolResult big = await(toolbox.call("main", ALL, "test", "big", "{}"));
        assertEquals("x".repeat(1000) + "\n[truncated: 99000 more characters]", big.text());
        assertFalse(big.isError());
    }

    @Test
    void argumentsThatAreNotAJsonObjectBecomeAnErrorResultWithoutReachingTheServer() throws Exception {
        startOnTestServer();
        for (String bad : List.of("{\"text\":", "[1,2]", "null", "\"text\"", "{} {}", "{'a':1}")) {
            ToolResult r = await(toolbox.call("main", ALL, "test", "echo", bad));
            assertEquals(ToolOutcome.INVALID_ARGUMENTS, r.outcome(), bad);
            assertTrue(r.isError());
            assertTrue(r.text().startsWith("the arguments "), r.text());
        }
    }

    @Test
    void aToolOutsideTheAllowlistIsNeitherOfferedNorCalled() throws Exception {
        startOnTestServer();
        ToolAllowlist onlyEcho = ToolAllowlist.of(List.of("test"), List.of("test/echo"));
        ToolOffer offer = toolbox.offer("a", onlyEcho);
        assertEquals(List.of("test__echo"), offer.tools().stream().map(OfferedTool::functionName).toList());
        assertEquals(ToolOutcome.UNKNOWN_TOOL, await(offer.call("test__add", "{\"a\":1,\"b\":2}")).outcome());
        ToolResult direct = await(toolbox.call("a", onlyEcho, "test", "add", "{\"a\":1,\"b\":2}"));
        assertEquals(ToolOutcome.NOT_ALLOWED, direct.outcome());
        assertEquals("tool 'add' of MCP server 'test' is not allowed for this agent", direct.text());
        assertTrue(toolbox.offer("b", ToolAllowlist.none()).tools().isEmpty());
    }

    @Test
    void unknownServersAndToolsAreErrorResultsWithBoundedLabels() throws Exception {
        startOnTestServer();
        ToolAllowlist any = ToolAllowlist.allOf(Set.of("test", "nope"));
        assertEquals(ToolOutcome.UNKNOWN_TOOL, await(toolbox.call("main", any, "nope", "x", "{}")).outcome());
        assertEquals(ToolOutcome.UNKNOWN_TOOL, await(toolbox.call("main", any, "test", "x", "{}")).outcome());
        assertEquals(List.of(ToolEvents.UNKNOWN, ToolEvents.UNKNOWN, "test", ToolEvents.UNKNOWN),
                List.of(events.calls.get(0).server(), events.calls.get(0).tool(),
                        events.calls.get(1).server(), events.calls.get(1).tool()));
    }

    @Test
    void toolsListChangedUpdatesTheList() throws Exception {
        startOnTestServer();
        server.addTool("late");
        events.await(RecordingEvents.Tools.class, t -> t.count() == 8);
        assertTrue(toolbox.tools("test").stream().anyMatch(t -> t.name().equals("late")));
        ToolOffer offer = toolbox.offer("main", ALL);
        assertTrue(offer.isServerTool("test__late"));
        assertEquals("late", await(offer.call("test__late", "{}")).text());
    }

    @Test
    void aServerDownAtStartUpIsReportedDownWithoutToolsAndJoinsWhenItComesUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        start(FAST_RETRY, "mcp.servers.test.url", "http://127.0.0.1:" + port + "/mcp");
        ServerStatus down = toolbox.statuses().get(0);
        assertFalse(down.up());
        assertNotNull(down.lastError());
        assertTrue(toolbox.tools("test").isEmpty());
        assertTrue(toolbox.offer("main", ALL).tools().isEmpty());
        ToolResult r = await(toolbox.call("main", ALL, "test", "echo", "{\"text\":\"x\"}"));
        assertEquals(ToolOutcome.UNAVAILABLE, r.outcome());
        assertTrue(r.text().startsWith("MCP server 'test' is unavailable: "), r.text());
        assertTrue(events.all.contains(new RecordingEvents.Status("test", false, down.lastError())), events.all.toString());

        server = TestMcpServer.start(port);
        events.await(RecordingEvents.Status.class, RecordingEvents.Status::up);
        assertTrue(toolbox.statuses().get(0).up());
        assertEquals("x", await(toolbox.call("main", ALL, "test", "echo", "{\"text\":\"x\"}")).text());
    }

    @Test
    void aServerThatGoesAwayIsMarkedDownAndItsToolsWithdrawn() throws Exception {
        startOnTestServer();
        server.close();
        server = null;
        ToolResult r = await(toolbox.call("main", ALL, "test", "echo", "{\"text\":\"x\"}"));
        assertTrue(r.isError());
        assertEquals(ToolOutcome.UNAVAILABLE, r.outcome(), r.text());
        events.await(RecordingEvents.Status.class, s -> !s.up());
        assertFalse(toolbox.statuses().get(0).up());
        assertTrue(toolbox.offer("main", ALL).tools().isEmpty());
    }

    @Test
    void aSlowToolTimesOutAsAnErrorResultAndTheServerStaysUp() throws Exception {
        startOnTestServer("mcp.servers.test.timeoutMs", "300");
        ToolResult r = await(toolbox.call("main", ALL, "test", "slow", "{}"));
        assertEquals(new ToolResult("tool 'slow' of MCP server 'test' did not answer within 300 ms", true,
                ToolOutcome.TIMEOUT), r);
        assertTrue(toolbox.statuses().get(0).up());
        assertEquals("y", await(toolbox.call("main", ALL, "test", "echo", "{\"text\":\"y\"}")).text());
    }

    @Test
    void aCallIsReportedBeforeItsCallerHearsTheResult() throws Exception {
        startOnTestServer();
        List<Integer> reportedWhenDone = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<ToolResult> call = toolbox.call("main", ALL, "test", "echo", "{\"text\":\"x\"}");
        CompletableFuture<ToolResult> seen = call.whenComplete((r, e) -> reportedWhenDone.add(events.calls.size()));
        await(seen);
        assertEquals(List.of(1), reportedWhenDone, "the event was in when the caller's stage ran");
    }

    @Test
    void cancellingTheFutureDisposesTheCallAndCountsItCancelled() throws Exception {
        startOnTestServer();
        CompletableFuture<ToolResult> slow = toolbox.call("main", ALL, "test", "slow", "{}");
        assertTrue(server.slowStarted.await(20, TimeUnit.SECONDS));
        assertTrue(slow.cancel(true));
        RecordingEvents.Call c = events.await(RecordingEvents.Call.class, x -> x.tool().equals("slow"));
        assertEquals(ToolOutcome.CANCELLED, c.outcome());
        assertEquals("z", await(toolbox.call("main", ALL, "test", "echo", "{\"text\":\"z\"}")).text());
    }

    @Test
    void configuredHeadersReachTheServerAndNeverAppearInStatusOrErrors() throws Exception {
        startOnTestServer("mcp.servers.test.headers.X-Api-Key", "k3y-s3cr3t");
        assertEquals("k3y-s3cr3t", await(toolbox.call("main", ALL, "test", "headers", "{}")).text());
        assertFalse(toolbox.statuses().toString().contains("k3y-s3cr3t"));
    }

    @Test
    void aServerThatOnlySpeaksTheOlderSseTransportIsReachedThroughTheFallback() throws Exception {
        server = TestMcpServer.startLegacySse(0);
        start(FAST_RETRY, "mcp.servers.test.url", server.url());
        ServerStatus s = toolbox.statuses().get(0);
        assertTrue(s.up(), s.toString());
        assertEquals("http+sse", s.transport());
        assertEquals("hi", await(toolbox.call("main", ALL, "test", "echo", "{\"text\":\"hi\"}")).text());
    }

    @Test
    void toolsPerServerAreCapped() throws Exception {
        server = TestMcpServer.start(0);
        start(new McpToolbox.Options(Duration.ofMillis(50), Duration.ofMillis(200), 3, 65_536),
                "mcp.servers.test.url", server.url());
        assertEquals(3, toolbox.tools("test").size());
        assertEquals(3, toolbox.statuses().get(0).toolCount());
    }

    @Test
    void callsAfterCloseAreErrorResults() throws Exception {
        startOnTestServer();
        toolbox.close();
        assertEquals(ToolOutcome.UNAVAILABLE, await(toolbox.call("main", ALL, "test", "echo", "{}")).outcome());
        assertTrue(toolbox.offer("main", ALL).tools().isEmpty());
    }
}
