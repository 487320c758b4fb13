package dev.clawgate.mcp;

import dev.clawgate.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolAllowlistTest {
    private static final Set<String> CONFIGURED = Set.of("everything", "files", "db");

    private static ToolAllowlist parse(String servers, String tools) {
        return ToolAllowlist.parse("agents.main.mcpServers", servers, "agents.main.tools", tools, CONFIGURED);
    }

    @Test
    void withoutEntriesEveryToolOfTheListedServersIsAllowed() {
        ToolAllowlist a = parse("everything, files", null);
        assertTrue(a.allows("everything", "echo"));
        assertTrue(a.allows("files", "read"));
        assertFalse(a.allows("db", "query"));
    }

    @Test
    void entriesNarrowToOneToolOrAWholeServer() {
        ToolAllowlist a = parse("everything,files", "everything/echo, files/*");
        assertTrue(a.allows("everything", "echo"));
        assertFalse(a.allows("everything", "add"));
        assertTrue(a.allows("files", "anything"));
    }

    @Test
    void noServersAllowNothing() {
        assertFalse(parse("", null).allows("everything", "echo"));
        assertFalse(ToolAllowlist.none().allows("everything", "echo"));
    }

    @Test
    void anUnconfiguredServerIsRejectedNamingTheServersKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("everything,nope", null));
        assertEquals("agents.main.mcpServers", e.key());
        assertTrue(e.getMessage().contains("nope"));
    }

    @Test
    void malformedEntriesAndEntriesForUnlistedServersAreRejectedNamingTheToolsKey() {
        for (String bad : new String[]{"echo", "everything/", "/echo", "db/query"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse("everything", bad), bad);
            assertEquals("agents.main.tools", e.key(), bad);
        }
    }
}
