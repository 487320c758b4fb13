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
    void sentinelsThatDoNotAnswerAtStartUpFailNamingTheKeyAndEverySentinelButNotThePassword() throws Exception {
        int[] ports = new int[2];
        for (int i = 0; i < ports.length; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports[i] = s.getLocalPort();
            }
        }
        SystemScheduler scheduler = new SystemScheduler();
        try {
            ConfigException e = assertThrows(ConfigException.class, () -> new RedisState(
                    RedisEndpoint.parse(ConfigKeys.STATE_REDIS_URL, "redis-sentinel://:s3cret-pass@127.0.0.1:"
                            + ports[0] + ",127.0.0.1:" + ports[1] + "/0#mymaster"), scheduler, kind -> { }));
            assertTrue(e.getMessage().contains(ConfigKeys.STATE_REDIS_URL), e.getMessage());
            assertTrue(e.getMessage().contains("through the Sentinels at 127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1]),
                    e.getMessage());
            assertFalse(e.getMessage().contains("s3cret-pass"), e.getMessage());
        } finally {
            scheduler.close();
        }
    }

    @Test
    void aClusterWhoseSeedsDoNotAnswerAtStartUpFailsNamingTheKeyAndTheSeeds() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SystemScheduler scheduler = new SystemScheduler();
        try {
            RedisEndpoint cluster = RedisEndpoint.parse(ConfigKeys.STATE_REDIS_URL,
                    "redis://:s3cret-pass@127.0.0.1:" + port).configure(ConfigKeys.STATE_REDIS_URL,
                    "gateway.state.redis.mode", RedisEndpoint.Mode.CLUSTER, null, 500);
            ConfigException e = assertThrows(ConfigException.class, () -> new RedisState(cluster, scheduler,
                    kind -> { }));
            assertTrue(e.getMessage().contains("Redis at 127.0.0.1:" + port), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret-pass"), e.getMessage());
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
