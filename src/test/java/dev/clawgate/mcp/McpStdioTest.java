package dev.clawgate.mcp;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stdio server (gateway.mcp.allowStdio=true) runs as a child process and is ended by close(). */
class McpStdioTest {
    @Test
    void aStdioServerRunsAsAChildProcessThatCloseEnds() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        assertTrue(!classpath.contains(" ") && !javaBin.contains(" "), "the command is split on white space");
        Set<ProcessHandle> before = ProcessHandle.current().children().collect(java.util.stream.Collectors.toSet());
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        McpToolbox toolbox = McpToolbox.start(McpTestConfig.of(Map.of("gateway.mcp.allowStdio", "true",
                        "mcp.servers.local.command", javaBin + " -cp " + classpath + " " + StdioTestServer.class.getName(),
                        "mcp.servers.local.timeoutMs", "20000")),
                McpToolbox.Options.defaults(), scheduler, ToolEvents.NONE);
        try {
            toolbox.firstAttempts().get(30, TimeUnit.SECONDS);
            ServerStatus s = toolbox.statuses().get(0);
            assertTrue(s.up(), s.toString());
            assertEquals("stdio", s.transport());
            assertEquals("stdio:hi", toolbox.call("main", ToolAllowlist.allOf(Set.of("local")), "local", "echo",
                    "{\"text\":\"hi\"}").get(20, TimeUnit.SECONDS).text());
            List<ProcessHandle> children = ProcessHandle.current().children().filter(p -> !before.contains(p))
                    .toList();
            assertEquals(1, children.size(), children.toString());

            toolbox.close();
            children.get(0).onExit().get(20, TimeUnit.SECONDS);
        } finally {
            toolbox.close();
            scheduler.shutdownNow();
        }
    }
}
