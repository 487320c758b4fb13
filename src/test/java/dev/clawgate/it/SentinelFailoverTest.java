package dev.clawgate.it;

import dev.clawgate.RedisSentinels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes on a Sentinel-managed Redis (primary, replica, three Sentinels: {@link RedisSentinels}) ride
 * through {@code SENTINEL FAILOVER} forced while traffic runs: during it every answer is a success or the documented
 * Redis-down behaviour, after it the session committed before it continues on the other node, readiness is 200 and
 * the shared rate limit works again — no gateway is restarted.
 */
class SentinelFailoverTest {
    @Test
    void aForcedFailoverMidTrafficIsRiddenThroughWithoutLosingACommittedTurn() throws Exception {
        try (RedisSentinels redis = RedisSentinels.start(Path.of("target", "redis-sentinel-" + System.nanoTime()));
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
            FailoverDrill.assertRedisDownBehaviourOrSuccess(outcomes, start);
            drill.assertRateLimitingWorks();
        }
    }
}
