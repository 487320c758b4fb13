package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A bad configuration fails the deployment with one log line naming the key, and never prints a secret. */
class StartupFailureTest {
    LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.atLeast(Level.SEVERE);
    }

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void aBadNumberFailsTheDeploymentWithOneLineNamingTheKey() {
        assertThrows(Exception.class, () -> GatewayServer.start("gateway.http.maxBodyBytes", "lots").close());
        assertEquals(1, log.lines().size(), log.lines().toString());
        assertTrue(log.lines().get(0).contains("gateway.http.maxBodyBytes"), log.lines().get(0));
        assertTrue(log.lines().get(0).contains("'lots'"), log.lines().get(0));
    }

    @Test
    void aPlaceholderTokenFailsTheDeploymentWithoutPrintingIt() {
        assertThrows(Exception.class, () -> GatewayServer.start(Map.of("gateway.auth.token", "change-me-now")).close());
        assertEquals(1, log.lines().size(), log.lines().toString());
        assertTrue(log.lines().get(0).contains("gateway.auth.token"), log.lines().get(0));
        assertFalse(log.lines().get(0).contains("change-me-now"), log.lines().get(0));
    }

    @Test
    void anUnknownProviderFailsTheDeployment() {
        assertThrows(Exception.class, () -> GatewayServer.start("agents.main.model", "vllm/qwen").close());
        assertTrue(log.lines().get(0).contains("agents.main.model"), log.lines().toString());
    }

    @Test
    void aBadTrustedProxyEntryFailsTheDeploymentWithOneLineNamingTheKey() {
        assertThrows(Exception.class,
                () -> GatewayServer.start("gateway.trustedProxies", "10.0.0.0/8, proxy.internal").close());
        assertEquals(1, log.lines().size(), log.lines().toString());
        assertTrue(log.lines().get(0).contains("gateway.trustedProxies"), log.lines().get(0));
        assertTrue(log.lines().get(0).contains("'proxy.internal'"), log.lines().get(0));
    }
}
