package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A bad configuration fails the deployment with one log line naming the key, and never prints a secret. */
class StartupFailureTest {
    final List<String> lines = new ArrayList<>();
    final Logger logger = Logger.getLogger("dev.clawgate");
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                lines.add(r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void aBadNumberFailsTheDeploymentWithOneLineNamingTheKey() {
        assertThrows(Exception.class, () -> GatewayServer.start("gateway.http.maxBodyBytes", "lots").close());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("gateway.http.maxBodyBytes"), lines.get(0));
        assertTrue(lines.get(0).contains("'lots'"), lines.get(0));
    }

    @Test
    void aPlaceholderTokenFailsTheDeploymentWithoutPrintingIt() {
        assertThrows(Exception.class, () -> GatewayServer.start(Map.of("gateway.auth.token", "change-me-now")).close());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("gateway.auth.token"), lines.get(0));
        assertFalse(lines.get(0).contains("change-me-now"), lines.get(0));
    }

    @Test
    void anUnknownProviderFailsTheDeployment() {
        assertThrows(Exception.class, () -> GatewayServer.start("agents.main.model", "vllm/qwen").close());
        assertTrue(lines.get(0).contains("agents.main.model"), lines.toString());
    }
}
