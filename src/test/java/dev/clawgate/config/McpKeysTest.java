package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.config.GatewayConfig.ToolProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP keys read through their descriptors: servers, their headers and transports, and each agent's tools. */
class McpKeysTest {
    private static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static GatewayConfig load(Map<String, String> keys) {
        return new ConfigLoader(Map.of(), keys, name -> name.equals("TICKETS_TOKEN") ? "t0k3n-from-env" : null)
                .load();
    }

    private static Mcp mcp(String... kv) {
        return load(keys(kv)).mcp();
    }

    private static ConfigException rejects(String... kv) {
        return assertThrows(ConfigException.class, () -> load(keys(kv)));
    }

    @Test
    void parsesUrlHeadersAndTimeoutOfEachServer() {
        Mcp c = mcp("mcp.servers.everything.url", "http://127.0.0.1:3001/mcp",
                "mcp.servers.everything.headers.Authorization", "Bearer ${env:TICKETS_TOKEN}",
                "mcp.servers.everything.timeoutMs", "5000",
                "mcp.servers.files.url", "https://tools.internal/files/mcp?team=a");
        assertEquals(List.of("everything", "files"), List.copyOf(c.servers().keySet()));
        McpServer e = c.servers().get("everything");
        assertEquals("http://127.0.0.1:3001/mcp", e.url().toString());
        assertEquals("Bearer t0k3n-from-env", e.headers().get("Authorization").reveal());
        assertEquals(5000, e.timeoutMs());
        assertFalse(e.stdio());
        assertEquals(30_000, c.servers().get("files").timeoutMs());
        assertFalse(c.allowStdio());
    }

    @Test
    void noMcpKeysMeansNoServersAndAgentsWithoutTools() {
        GatewayConfig c = load(keys());
        assertTrue(c.mcp().servers().isEmpty());
        AgentSpec main = c.agents().get("main");
        assertFalse(main.usesTools());
        assertEquals(8, main.maxToolRounds());
        assertEquals(ToolProgress.NONE, main.toolProgress());
    }

    @Test
    void anAgentNamesItsServersItsAllowlistItsRoundsAndItsProgress() {
        AgentSpec a = load(keys("mcp.servers.everything.url", "http://127.0.0.1:3001/mcp",
                "mcp.servers.files.url", "http://127.0.0.1:3002/mcp",
                "agents.defaultAgent", "ops", "agents.ops.model", "echo/echo", "agents.ops.mcpServers", "everything, files",
                "agents.ops.tools", "everything/echo, files/*", "agents.ops.maxToolRounds", "3",
                "agents.ops.toolProgress", "reasoning")).agents().get("ops");
        assertEquals(List.of("everything", "files"), a.mcpServers());
        assertEquals(List.of("everything/echo", "files/*"), a.tools());
        assertEquals(3, a.maxToolRounds());
        assertEquals(ToolProgress.REASONING, a.toolProgress());
    }

    @Test
    void anAgentsUnconfiguredServerIsRejectedNamingItsServersKey() {
        ConfigException e = rejects("mcp.servers.everything.url", "http://127.0.0.1/",
                "agents.main.model", "echo/echo", "agents.main.mcpServers", "everything,nope");
        assertEquals("agents.main.mcpServers", e.key());
        assertTrue(e.getMessage().contains("nope"));
    }

    @Test
    void malformedAllowlistEntriesAndEntriesForUnlistedServersAreRejectedNamingTheToolsKey() {
        for (String bad : new String[] {"echo", "everything/", "/echo", "db/query"}) {
            ConfigException e = rejects("mcp.servers.everything.url", "http://127.0.0.1/",
                    "mcp.servers.db.url", "http://127.0.0.1/", "agents.main.model", "echo/echo",
                    "agents.main.mcpServers", "everything", "agents.main.tools", bad);
            assertEquals("agents.main.tools", e.key(), bad);
        }
    }

    @Test
    void roundsAndProgressAreBounded() {
        assertEquals("agents.main.maxToolRounds", rejects("agents.main.model", "echo/echo",
                "agents.main.maxToolRounds", "0").key());
        assertEquals("agents.main.maxToolRounds", rejects("agents.main.model", "echo/echo",
                "agents.main.maxToolRounds", "101").key());
        assertEquals("agents.main.toolProgress", rejects("agents.main.model", "echo/echo",
                "agents.main.toolProgress", "verbose").key());
    }

    @Test
    void aServerWithoutUrlOrCommandIsRejectedNamingTheUrlKey() {
        assertEquals("mcp.servers.x.url", rejects("mcp.servers.x.timeoutMs", "100").key());
    }

    @Test
    void anUnknownFieldIsRejectedNamingTheKey() {
        assertEquals("mcp.servers.x.uri", rejects("mcp.servers.x.uri", "http://127.0.0.1/").key());
        assertEquals("mcp.servers.x", rejects("mcp.servers.x", "http://127.0.0.1/").key());
    }

    @Test
    void serverNamesAreShortAndInTheFunctionNameAlphabet() {
        assertEquals("mcp.servers.a b.url", rejects("mcp.servers.a b.url", "http://127.0.0.1/").key());
        String longName = "s".repeat(33);
        assertEquals("mcp.servers." + longName + ".url",
                rejects("mcp.servers." + longName + ".url", "http://127.0.0.1/").key());
    }

    @Test
    void urlsMustBeAbsoluteHttpWithoutCredentials() {
        for (String bad : List.of("ftp://127.0.0.1/", "/mcp", "http//x", "http://user:pw@127.0.0.1/mcp",
                "http://127.0.0.1/mcp#x", "not a url")) {
            ConfigException e = rejects("mcp.servers.x.url", bad);
            assertEquals("mcp.servers.x.url", e.key(), bad);
            assertFalse(e.getMessage().contains("pw"), e.getMessage());
        }
    }

    @Test
    void timeoutMustBeAPositiveNumberOfMillisecondsUpToAnHour() {
        for (String bad : List.of("0", "-1", "abc", "3600001", "1.5")) {
            assertEquals("mcp.servers.x.timeoutMs",
                    rejects("mcp.servers.x.url", "http://127.0.0.1/", "mcp.servers.x.timeoutMs", bad).key(), bad);
        }
    }

    @Test
    void aStdioCommandNeedsAllowStdioAndSaysWhy() {
        ConfigException e = rejects("mcp.servers.fs.command", "npx -y server-filesystem /tmp");
        assertEquals("mcp.servers.fs.command", e.key());
        assertTrue(e.getMessage().contains("gateway.mcp.allowStdio=true"), e.getMessage());
        assertTrue(e.getMessage().contains("process inside the app server"), e.getMessage());
    }

    @Test
    void aStdioCommandIsSplitOnWhiteSpaceWhenAllowed() {
        McpServer fs = mcp("gateway.mcp.allowStdio", "true",
                "mcp.servers.fs.command", "  node  server.js --root /tmp ").servers().get("fs");
        assertTrue(fs.stdio());
        assertNull(fs.url());
        assertEquals(List.of("node", "server.js", "--root", "/tmp"), fs.command());
    }

    @Test
    void aServerHasEitherUrlOrCommand() {
        assertEquals("mcp.servers.x.command", rejects("gateway.mcp.allowStdio", "true",
                "mcp.servers.x.url", "http://127.0.0.1/", "mcp.servers.x.command", "node s.js").key());
        assertEquals("gateway.mcp.allowStdio", rejects("gateway.mcp.allowStdio", "yes").key());
    }

    @Test
    void badHeadersAreRejectedWithoutQuotingTheirValue() {
        String secret = "Bearer s3cr3t-value";
        for (String header : List.of("Bad Header", "Host", "Connection", "Content-Length", "Mcp-Session-Id",
                "Content-Type")) {
            ConfigException e = rejects("mcp.servers.x.url", "http://127.0.0.1/",
                    "mcp.servers.x.headers." + header, secret);
            assertEquals("mcp.servers.x.headers." + header, e.key(), header);
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        }
        ConfigException twoLines = rejects("mcp.servers.x.url", "http://127.0.0.1/",
                "mcp.servers.x.headers.Authorization", "Bearer a\r\nX-Evil: 1");
        assertEquals("mcp.servers.x.headers.Authorization", twoLines.key());
        assertFalse(twoLines.getMessage().contains("Evil"));
    }

    @Test
    void headerValuesAreSecretsAndToStringShowsOnlyTheirNames() {
        assertTrue(ConfigKeys.isSecret("mcp.servers.x.headers.Authorization"));
        String s = load(keys("mcp.servers.x.url", "http://127.0.0.1/mcp?token=q1w2e3",
                "mcp.servers.x.headers.Authorization", "Bearer s3cr3t-value")).toString();
        assertTrue(s.contains("Authorization"), s);
        assertFalse(s.contains("s3cr3t"), s);
        assertFalse(s.contains("q1w2e3"), s);
    }

    @Test
    void atMost32Servers() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < 33; i++) {
            m.put("mcp.servers.s" + i + ".url", "http://127.0.0.1/");
        }
        assertThrows(ConfigException.class, () -> load(m));
    }

    @Test
    void theJsonFileMayConfigureServersAndAnAgentsServerList(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("openclaw.json");
        Files.writeString(file, "{\"mcp\":{\"servers\":{\"everything\":{\"url\":\"http://127.0.0.1:3001/mcp\","
                + "\"headers\":{\"X-Team\":\"ops\"}}}},\"agents\":{\"list\":[{\"id\":\"main\",\"model\":"
                + "{\"primary\":\"echo/echo\"},\"mcpServers\":[\"everything\"],\"tools\":[\"everything/echo\"]}]}}");
        GatewayConfig c = load(keys("gateway.configFile", file.toString()));
        assertEquals("ops", c.mcp().servers().get("everything").headers().get("X-Team").reveal());
        assertEquals(List.of("everything"), c.agents().get("main").mcpServers());
        assertEquals(List.of("everything/echo"), c.agents().get("main").tools());
    }
}
