package dev.clawgate.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.config.ConfigException;
import dev.clawgate.config.ConfigKeys;
import dev.clawgate.config.RedisEndpoint;
import java.net.InetAddress;
import java.net.ServerSocket;
import dev.clawgate.time.SystemScheduler;
import dev.clawgate.time.Ticker;
import org.junit.jupiter.api.Test;

/** Start-up failure and warning throttling of the Redis connection, without a Redis. */
class RedisStateTest {
    @Test
    void aRedisThatDoesNotAnswerAtStartUpFailsNamingTheKeyAndHostButNotThePassword() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SystemScheduler scheduler = new SystemScheduler();
        try {
            ConfigException e = assertThrows(ConfigException.class, () -> new RedisState(
                    RedisEndpoint.parse(ConfigKeys.STATE_REDIS_URL, "redis://:s3cret-pass@127.0.0.1:" + port),
                    scheduler, kind -> { }));
            assertTrue(e.getMessage().contains(ConfigKeys.STATE_REDIS_URL), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret-pass"), e.getMessage());
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("lettuce-")) {
                    t.join(5_000);
                    assertFalse(t.isAlive(), t.getName() + " outlived the failed start");
                }
            }
        } finally {
            scheduler.close();
        }
    }

    @Test
    void theThrottleLetsOneWarningPerKindThroughAndCountsTheRest() {
        WarningThrottle throttle = new WarningThrottle(60_000, Ticker.SYSTEM);
        assertEquals(0, throttle.allow("ratelimit"));
        assertEquals(-1, throttle.allow("ratelimit"));
        assertEquals(-1, throttle.allow("ratelimit"));
        assertEquals(0, throttle.allow("session"), "kinds are throttled apart");
        WarningThrottle always = new WarningThrottle(0, Ticker.SYSTEM);
        always.allow("x");
        assertEquals(0, always.allow("x"));
    }
}
