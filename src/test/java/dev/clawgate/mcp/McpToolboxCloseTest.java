package dev.clawgate.mcp;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A clean undeploy: after close() no thread the toolbox or the SDK started is left, and no connection. */
class McpToolboxCloseTest {
    /** The toolbox's I/O threads, the JDK HTTP client's, and Reactor's default schedulers'. */
    private static final Pattern MCP_THREADS = Pattern.compile(
            "clawgate-mcp-\\d+|HttpClient-\\d+-.*|parallel-\\d+|boundedElastic-.*|single-\\d+");

    @Test
    void closeLeavesNoThreadOrConnectionOfTheToolbox() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setRemoveOnCancelPolicy(true);
        try (TestMcpServer server = TestMcpServer.start(0)) {
            McpToolbox toolbox = McpToolbox.start(McpTestConfig.of(Map.of("mcp.servers.test.url", server.url(),
                    "mcp.servers.down.url", "http://127.0.0.1:9/mcp")), McpToolbox.Options.defaults(), scheduler,
                    ToolEvents.NONE);
            toolbox.firstAttempts().get(20, TimeUnit.SECONDS);
            ToolAllowlist all = ToolAllowlist.allOf(Set.of("test"));
            assertEquals("ok", toolbox.call("main", all, "test", "echo", "{\"text\":\"ok\"}")
                    .get(20, TimeUnit.SECONDS).text());
            List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && MCP_THREADS.matcher(t.getName()).matches()).toList();
            for (String kind : List.of("clawgate-mcp-", "HttpClient-", "parallel-")) {
                assertTrue(started.stream().anyMatch(t -> t.getName().startsWith(kind)), kind + " in " + started);
            }

            toolbox.close();
            WeakReference<McpToolbox> gone = new WeakReference<>(toolbox);
            toolbox = null;
            // Java 17's HttpClient has no shutdown: its selector thread ends once the client is unreachable
            for (Thread t : started) {
                for (int i = 0; i < 20 && t.isAlive(); i++) {
                    System.gc();
                    t.join(500);
                }
            }
            List<String> alive = started.stream().filter(Thread::isAlive).map(Thread::getName).toList();
            assertEquals(List.of(), alive, "threads left after close()");
            assertEquals(0, server.awaitNoConnections(Duration.ofSeconds(10)), "connections left after close()");
            assertEquals(null, gone.get());
        } finally {
            scheduler.shutdownNow();
        }
    }
}
