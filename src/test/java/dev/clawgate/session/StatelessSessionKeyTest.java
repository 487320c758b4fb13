package dev.clawgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatelessSessionKeyTest {
    @Test
    void statelessIdsAreVersion4UuidsOfTheIetfVariant() {
        UUID id = SessionKeys.statelessId();
        assertEquals(4, id.version());
        assertEquals(2, id.variant());
    }

    @Test
    void everyRequestWithoutUserOrHeaderGetsItsOwnNeverStoredKey() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            SessionKey k = SessionKeys.resolve(null, null, "main");
            assertFalse(k.stateful());
            assertTrue(k.value().startsWith("agent:main:openai:"));
            assertTrue(seen.add(k.value()));
        }
        assertNotEquals(SessionKeys.statelessId(), SessionKeys.statelessId());
    }
}
