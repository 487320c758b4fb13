package dev.clawgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clawgate.openai.ApiException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which session a request names, with configured key headers and the user field on or off. */
class SessionKeysTest {
    private final SessionKeys keys = new SessionKeys(List.of("x-openwebui-chat-id", "x-chat-id"), true);

    private SessionKey of(SessionKeys k, Map<String, String> headers, String user) {
        return k.sessionOf(headers::get, user, "main");
    }

    @Test
    void theExplicitKeyWinsThenTheConfiguredHeadersInOrderThenTheUser() {
        assertEquals("k", of(keys, Map.of("x-openclaw-session-key", "k", "x-chat-id", "c"), "u").value());
        assertEquals("agent:main:openai-header:x-openwebui-chat-id:A",
                of(keys, Map.of("x-chat-id", "c", "x-openwebui-chat-id", " A "), "u").value());
        assertEquals("agent:main:openai-header:x-chat-id:c", of(keys, Map.of("x-chat-id", "c"), "u").value());
        assertEquals("agent:main:openai-user:u", of(keys, Map.of(), "U").value());
    }

    @Test
    void valuesOfDifferentHeadersAndOfTheUserNeverShareAKey() {
        String a = of(keys, Map.of("x-openwebui-chat-id", "same"), null).value();
        String b = of(keys, Map.of("x-chat-id", "same"), null).value();
        String u = of(keys, Map.of(), "same").value();
        assertNotEquals(a, b);
        assertNotEquals(a, u);
        assertNotEquals(b, u);
    }

    @Test
    void withTheUserFieldIgnoredAUserAloneIsStateless() {
        SessionKeys ignoring = new SessionKeys(List.of(), false);
        assertFalse(of(ignoring, Map.of(), "alice").stateful());
        assertEquals("k", of(ignoring, Map.of("x-openclaw-session-key", "k"), "alice").value());
    }

    @Test
    void anOverlongHeaderValueIs400() {
        ApiException e = assertThrows(ApiException.class,
                () -> of(keys, Map.of("x-chat-id", "x".repeat(SessionKeys.MAX_LENGTH + 1)), null));
        assertEquals("invalid_session_key", e.code());
    }

    @Test
    void aCallersNamespacePrefixesItsHeaderKeyHeaderAndUserKeysButNotAStatelessOne() {
        String ns = "caller:key:5:alice:";
        assertEquals(ns + "k", keys.sessionOf(Map.of("x-openclaw-session-key", "k")::get, null, "main", ns).value());
        assertEquals(ns + "agent:main:openai-header:x-chat-id:c",
                keys.sessionOf(Map.of("x-chat-id", "c")::get, null, "main", ns).value());
        assertEquals(ns + "agent:main:openai-user:u", keys.sessionOf(Map.<String, String>of()::get, "U", "main", ns)
                .value());
        SessionKey stateless = keys.sessionOf(Map.<String, String>of()::get, null, "main", ns);
        assertFalse(stateless.stateful());
        assertFalse(stateless.value().startsWith("caller:"));
    }

    @Test
    void aHeaderKeyCannotReachIntoACallersNamespace() {
        ApiException e = assertThrows(ApiException.class,
                () -> of(keys, Map.of("x-openclaw-session-key", "caller:key:5:alice:k"), null));
        assertEquals("invalid_session_key", e.code());
    }
}
