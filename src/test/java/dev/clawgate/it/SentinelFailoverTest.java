package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.RedisSentinels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes on a Sentinel-managed Redis (primary, replica, three Sentinels: {@link RedisSentinels}) ride
 * through {@code SENTINEL FAILOVER} forced while traffic runs: during it every answer is a success or the documented
 * Redis-down behaviour, after it the session committed before it continues on the other node, readiness is 200 and
 * the shared rate limit works again — no gateway is restarted. The servers want a password, the Sentinels none (as the
 * {@code redis-sentinel://} URL's password is meant), and the password never reaches the log.
 */
class SentinelFailoverTest {
    @Test
    void aForcedFailoverMidTrafficIsRiddenThroughWithoutLosingACommittedTurn() throws Exception {
        String password = "sentinel-pw-never-logged-" + System.nanoTime();
        try (LogCapture log = LogCapture.atLeast(java.util.logging.Level.ALL);
             RedisSentinels redis = RedisSentinels.start(Path.of("target", "redis-sentinel-" + System.nanoTime()),
                     password);
             FailoverDrill drill = new FailoverDrill(redis.url())) {
            drill.commitBeforeFailover();
            int old = redis.primaryPort();
            long start;
            List<FailoverDrill.Outcome> outcomes;
            long served;
            try (FailoverDrill.Traffic traffic = drill.new Traffic()) {
                traffic.awaitRunning();
                start = System.nanoTime();
                redis.failover();
                int promoted = redis.awaitNewPrimary(old, FailoverDrill.PHASE);
                long switched = System.nanoTime();
                redis.awaitReplicaOf(promoted, FailoverDrill.PHASE); // the old primary rejoins as its replica
                long rejoined = System.nanoTime();
                drill.awaitReady();
                served = drill.awaitSessionContinuesOnTheOtherNode();
                outcomes = traffic.stop();
                System.out.println("sentinel failover: new primary named after " + FailoverDrill.seconds(switched - start)
                        + ", old primary back as replica after " + FailoverDrill.seconds(rejoined - start)
                        + ", session served again after " + FailoverDrill.seconds(served - start));
            }
            System.out.println(FailoverDrill.summary(outcomes, start));
            FailoverDrill.assertRedisDownBehaviourOrSuccess(outcomes, start);
            drill.assertRateLimitingWorks();
            List<String> lines = log.lines();
            assertTrue(lines.stream().anyMatch(l -> l.contains("the Sentinels name a new Redis primary")),
                    "the move is logged");
            for (String line : lines) {
                assertFalse(line.contains(password), line);
            }
        }
    }
}
