package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Client keys, SSO users and mode trusted-proxy as configuration: what is accepted and each refusal's message. */
class AccessConfigTest {
    static final String DIGEST = "a".repeat(64);

    static GatewayConfig load(String... keyValues) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("gateway.auth.token", "operator-secret-0123456789abcdef");
        params.put("agents.main.model", "echo/echo");
        params.put("agents.coder.model", "echo/echo");
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return new ConfigLoader(Map.of(), params, n -> null).load();
    }

    static ConfigException refused(String... keyValues) {
        return assertThrows(ConfigException.class, () -> load(keyValues));
    }

    @Test
    void aDeclaredKeyIsParsedWithItsDefaults() {
        Access.ClientPolicy key = load("gateway.auth.keys.team-a.sha256", DIGEST,
                "gateway.auth.keys.team-a.agents", "Coder, main", "gateway.auth.keys.team-a.expiresAt", "2026-12-31")
                .access().keys().get("team-a");
        assertEquals(List.of("coder", "main"), key.agents());
        assertEquals(0, key.requestsPerMinute());
        assertEquals(0, key.tokensPerDay());
        assertTrue(key.enabled());
        assertEquals(Instant.parse("2026-12-31T00:00:00Z"), key.expiresAt());
        assertFalse(key.toString().contains(DIGEST), "toString prints the digest");
    }

    @Test
    void badKeysAreRefusedNamingTheKeyAndNeverQuotingTheDigest() {
        String upper = "A".repeat(64);
        ConfigException e = refused("gateway.auth.keys.a.sha256", upper, "gateway.auth.keys.a.agents", "*");
        assertEquals("gateway.auth.keys.a.sha256", e.key());
        assertFalse(e.getMessage().contains(upper));
        assertEquals("gateway.auth.keys.a.agents", refused("gateway.auth.keys.a.sha256", DIGEST).key());
        assertTrue(refused("gateway.auth.keys.a.sha256", DIGEST, "gateway.auth.keys.a.agents", "ghost")
                .getMessage().contains("ghost"));
        assertEquals("gateway.auth.keys.Team.sha256", refused("gateway.auth.keys.Team.sha256", DIGEST,
                "gateway.auth.keys.Team.agents", "*").key());
        assertEquals("gateway.auth.keys.b.sha256", refused("gateway.auth.keys.a.sha256", DIGEST,
                "gateway.auth.keys.a.agents", "*", "gateway.auth.keys.b.sha256", DIGEST,
                "gateway.auth.keys.b.agents", "*").key());
        assertEquals("gateway.auth.keys.a.quota", refused("gateway.auth.keys.a.quota", "1").key());
        assertEquals("gateway.auth.keys.a.expiresAt", refused("gateway.auth.keys.a.sha256", DIGEST,
                "gateway.auth.keys.a.agents", "*", "gateway.auth.keys.a.expiresAt", "next week").key());
    }

    @Test
    void ssoUsersMayHaveDotsInTheirNamesAndDefaultToTheDefaultAgents() {
        Access access = load("gateway.auth.mode", "trusted-proxy", "gateway.trustedProxies", "10.0.0.1",
                "gateway.auth.trustedProxy.defaultAgents", "main",
                "gateway.auth.users.alice@example.com.tokensPerDay", "500",
                "gateway.auth.users.bob.agents", "coder").access();
        assertEquals(List.of("main"), access.users().get("alice@example.com").agents());
        assertEquals(500, access.users().get("alice@example.com").tokensPerDay());
        assertEquals(List.of("coder"), access.users().get("bob").agents());
        assertNull(access.keysFile());
        assertEquals("X-Forwarded-User", access.trustedProxy().userHeader());
    }

    @Test
    void trustedProxyModeNeedsTrustedProxiesButNoToken() {
        assertEquals("gateway.auth.mode", refused("gateway.auth.mode", "trusted-proxy").key());
        Map<String, String> params = Map.of("gateway.http.endpoints.chatCompletions.enabled", "true",
                "gateway.auth.mode", "trusted-proxy", "gateway.trustedProxies", "127.0.0.1");
        assertEquals(GatewayConfig.AuthMode.TRUSTED_PROXY,
                new ConfigLoader(Map.of(), params, n -> null).load().auth().mode());
    }
}
