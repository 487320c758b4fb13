package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clawgate.RedisClusterServers;
import dev.clawgate.RedisServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes on a Redis Cluster (three primaries, three replicas: {@link RedisClusterServers}) ride through
 * the death of the primary that holds a session: its replica takes over (automatic failover, node timeout 1 s)
 * while traffic runs; every answer meanwhile is a success or the documented Redis-down behaviour. With the killed
 * node still down — the new primary has no replica, so commits are kept on it alone ({@code waitReplicas} waits for
 * connected replicas only) — the session committed before the failover continues on the other node, readiness is
 * 200 and the shared rate limit works: no gateway and no Redis node is restarted.
 */
class RedisClusterFailoverTest {
    @Test
    void theDeathOfASessionsPrimaryIsRiddenThroughWithoutLosingACommittedTurn() throws Exception {
        try (RedisClusterServers redis = RedisClusterServers.start(Path.of("target", "redis-cluster-" + System.nanoTime()));
             FailoverDrill drill = new FailoverDrill(redis.url(), "gateway.state.redis.mode", "cluster")) {
            drill.commitBeforeFailover();
            List<String> sessions = redis.keys("clawgate:session:*");
            assertEquals(1, sessions.size(), sessions::toString);
            RedisServer victim = redis.primaryOf(sessions.get(0));
            long start;
            List<FailoverDrill.Outcome> outcomes;
            try (FailoverDrill.Traffic traffic = drill.new Traffic()) {
                traffic.awaitRunning();
                start = System.nanoTime();
                victim.kill();
                redis.awaitTakeover(sessions.get(0), victim, FailoverDrill.PHASE);
                long tookOver = System.nanoTime();
                drill.awaitReady();
                long served = drill.awaitSessionContinuesOnTheOtherNode(); // the new primary has no replica yet
                outcomes = traffic.stop();
                System.out.println("cluster failover: replica took over after " + FailoverDrill.seconds(tookOver - start)
                        + ", session served again after " + FailoverDrill.seconds(served - start)
                        + " (the killed node still down)");
            }
            System.out.println(FailoverDrill.summary(outcomes, start));
            FailoverDrill.assertRedisDownBehaviourOrSuccess(outcomes, start);
            drill.assertRateLimitingWorks();
        }
    }
}
