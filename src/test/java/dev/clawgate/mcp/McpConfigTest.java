package dev.clawgate.mcp;

import dev.clawgate.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class McpConfigTest {
    private static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static ConfigException rejects(String... kv) {
        return assertThrows(ConfigException.class, () -> McpConfig.parse(keys(kv)));
    }

    @Test
    void parsesUrlHeadersAndTimeoutOfEachServer() {
        McpConfig c = McpConfig.parse(keys(
                "mcp.servers.everything.url", "http://127.0.0.1:3001/mcp",
                "mcp.servers.everything.headers.Authorization", "Bearer abc",
                "mcp.servers.everything.timeoutMs", "5000",
                "mcp.servers.files.url", "https://tools.internal/files/mcp?team=a",
                "agents.main.model", "echo/echo"));
        assertEquals(List.of("everything", "files"), List.copyOf(c.servers().keySet()));
        McpServerConfig e = c.servers().get("everything");
        assertEquals("http://127.0.0.1:3001/mcp", e.url().toString());
        assertEquals(Map.of("Authorization", "Bearer abc"), e.headers());
        assertEquals(5000, e.timeoutMs());
        assertFalse(e.stdio());
        assertEquals(McpServerConfig.DEFAULT_TIMEOUT_MS, c.servers().get("files").timeoutMs());
        assertFalse(c.allowStdio());
    }

    @Test
    void noMcpKeysMeansNoServers() {
        assertTrue(McpConfig.parse(keys("gateway.auth.mode", "none")).servers().isEmpty());
    }

    @Test
    void aServerWithoutUrlOrCommandIsRejectedNamingTheUrlKey() {
        ConfigException e = rejects("mcp.servers.x.timeoutMs", "100");
        assertEquals("mcp.servers.x.url", e.key());
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
        McpConfig c = McpConfig.parse(keys("gateway.mcp.allowStdio", "true",
                "mcp.servers.fs.command", "  node  server.js --root /tmp "));
        McpServerConfig fs = c.servers().get("fs");
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
    void toStringShowsHeaderNamesButNeverValues() {
        McpConfig c = McpConfig.parse(keys("mcp.servers.x.url", "http://127.0.0.1/mcp?token=q1w2e3",
                "mcp.servers.x.headers.Authorization", "Bearer s3cr3t-value"));
        String s = c.toString();
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
        assertThrows(ConfigException.class, () -> McpConfig.parse(m));
    }
}
