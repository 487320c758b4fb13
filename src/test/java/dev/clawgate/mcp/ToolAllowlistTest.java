package dev.clawgate.mcp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolAllowlistTest {
    @Test
    void withoutEntriesEveryToolOfTheListedServersIsAllowed() {
        ToolAllowlist a = ToolAllowlist.of(List.of("everything", "files"), List.of());
        assertTrue(a.allows("everything", "echo"));
        assertTrue(a.allows("files", "read"));
        assertFalse(a.allows("db", "query"));
    }

    @Test
    void entriesNarrowToOneToolOrAWholeServer() {
        ToolAllowlist a = ToolAllowlist.of(List.of("everything", "files"), List.of("everything/echo", "files/*"));
        assertTrue(a.allows("everything", "echo"));
        assertFalse(a.allows("everything", "add"));
        assertTrue(a.allows("files", "anything"));
    }

    @Test
    void noServersAllowNothing() {
        assertFalse(ToolAllowlist.of(List.of(), List.of()).allows("everything", "echo"));
        assertFalse(ToolAllowlist.none().allows("everything", "echo"));
    }

    @Test
    void anEntryForAServerNotListedAllowsNothing() {
        assertFalse(ToolAllowlist.of(List.of("everything"), List.of("db/query")).allows("db", "query"));
    }
}
