package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Gateway;
import dev.clawgate.mcp.TestMcpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Undeploying the WAR stops every thread it started, the upstream client's and the MCP toolbox's included. */
class UndeployTest {
    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet();
    }

    @Test
    void undeployStopsEveryGatewayThreadIncludingTheUpstreamClients() throws Exception {
        Set<Thread> before = threads();
        try (FakeUpstream upstream = FakeUpstream.start()) {
            GatewayServer server = GatewayServer.start("models.providers.fake.baseUrl", upstream.baseUrl(),
                    "agents.main.model", "fake/m");
            server.api().body("{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200);
            assertTrue(threads().stream().filter(t -> !before.contains(t))
                    .anyMatch(t -> t.getName().startsWith("clawgate-upstream-fake")), "the provider's client threads");
            server.close();
        }
        List<String> left = threads().stream().filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName).filter(n -> n.startsWith("clawgate-")).collect(Collectors.toList());
        assertEquals(List.of(), left);
    }

    /** The toolbox's I/O and timer threads, the JDK HTTP client's, and Reactor's default schedulers'. */
    private static final Pattern MCP_THREADS = Pattern.compile(
            "clawgate-mcp-.*|HttpClient-\\d+-.*|parallel-\\d+|boundedElastic-.*|single-\\d+");

    @Test
    void undeployClosesTheMcpToolboxLeavingNoMcpThreadOrConnection() throws Exception {
        Set<Thread> before = threads();
        try (TestMcpServer mcp = TestMcpServer.start(0); FakeUpstream upstream = FakeUpstream.start()) {
            upstream.reply(r -> r.body().contains("\"role\":\"tool\"") ? Reply.sse(Reply.content("ok"), Reply.finish("stop"))
                    : Reply.sse(Reply.toolCall(0, "call_1", "test__echo", "{\"text\":\"x\"}"), Reply.finish("tool_calls")));
            GatewayServer server = GatewayServer.start("models.providers.fake.baseUrl", upstream.baseUrl(),
                    "agents.main.model", "fake/m", "agents.main.mcpServers", "test", "mcp.servers.test.url", mcp.url());
            Gateway gateway = (Gateway) server.context().getServletContext().getAttribute(Gateway.ATTRIBUTE);
            gateway.tools().firstAttempts().get(20, TimeUnit.SECONDS);
            server.api().body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200);
            List<Thread> started = threads().stream()
                    .filter(t -> !before.contains(t) && MCP_THREADS.matcher(t.getName()).matches()).toList();
            assertTrue(started.stream().anyMatch(t -> t.getName().startsWith("clawgate-mcp-")), started.toString());
            gateway = null;
            server.close();
            server = null;
            // Java 17's HttpClient has no shutdown: its selector thread ends once the client is unreachable
            for (Thread t : started) {
                for (int i = 0; i < 20 && t.isAlive(); i++) {
                    System.gc();
                    t.join(500);
                }
            }
            assertEquals(List.of(), started.stream().filter(Thread::isAlive).map(Thread::getName).toList(),
                    "MCP threads left after undeploy");
            assertEquals(0, mcp.awaitNoConnections(Duration.ofSeconds(10)), "MCP connections left after undeploy");
        }
    }
}
