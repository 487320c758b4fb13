package dev.clawgate.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clawgate.Poll;
import dev.clawgate.RedisCli;
import dev.clawgate.RedisServer;
import dev.clawgate.config.RedisEndpoint;
import dev.clawgate.time.SystemScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisState#writeDurably} against real servers: with {@code waitReplicas} 1 a write counts only once a connected
 * replica acknowledged it ({@code WAIT} on the connection that wrote), and fails with
 * {@link RedisState.ReplicationException} when none did within the timeout — the write is then on the primary only; a
 * primary with no replica connected takes the write alone.
 */
class DurableWriteTest {
    static SystemScheduler scheduler;

    @BeforeAll
    static void timer() {
        scheduler = new SystemScheduler();
    }

    @AfterAll
    static void stopTimer() {
        scheduler.close();
    }

    static RedisState connect(RedisServer server, int waitReplicas) {
        return new RedisState(new RedisEndpoint(RedisEndpoint.Mode.STANDALONE,
                List.of(new RedisEndpoint.Node("127.0.0.1", server.port())), null, null, false, 0, null,
                waitReplicas, 200), scheduler, kind -> { });
    }

    @Test
    void aPrimaryWithNoReplicaConnectedTakesTheWriteAlone() throws Exception {
        try (RedisServer alone = RedisServer.start()) {
            RedisState redis = connect(alone, 1);
            try {
                assertEquals("OK", redis.writeDurably("k", c -> c.set("k", "v")).get(5, TimeUnit.SECONDS),
                        "a primary a failover left without a replica keeps serving");
                assertEquals("v", redis.commands().get("k").get(5, TimeUnit.SECONDS));
            } finally {
                redis.close();
            }
        }
    }

    @Test
    void aWriteAConnectedReplicaDoesNotAcknowledgeInTimeFailsButStaysOnThePrimary() throws Exception {
        withPrimaryAndReplica((primary, replica, redis) -> {
            replica.freeze(true); // still connected to the primary, but it acknowledges nothing
            try {
                ExecutionException e = assertThrows(ExecutionException.class, () -> redis.writeDurably("k",
                        c -> c.set("k", "v")).get(5, TimeUnit.SECONDS));
                assertInstanceOf(RedisState.ReplicationException.class, e.getCause());
                assertEquals("0 of 1 replicas acknowledged the write in time", e.getCause().getMessage());
                assertEquals("v", redis.commands().get("k").get(5, TimeUnit.SECONDS));
            } finally {
                replica.freeze(false);
            }
        });
    }

    @Test
    void aWriteAReplicaAcknowledgesSucceedsAndIsOnTheReplica() throws Exception {
        withPrimaryAndReplica((primary, replica, redis) -> {
            assertEquals("OK", redis.writeDurably("k", c -> c.set("k", "durable")).get(5, TimeUnit.SECONDS));
            assertEquals("durable", RedisCli.at(replica.port(), "GET", "k").trim(),
                    "acknowledged means on the replica");
        });
    }

    interface WithReplica {
        void run(RedisServer primary, RedisServer replica, RedisState redis) throws Exception;
    }

    /** A primary and its replica, in sync, and a gateway connection to the primary with {@code waitReplicas} 1. */
    private static void withPrimaryAndReplica(WithReplica test) throws Exception {
        Path dir = Path.of("target", "redis-durable-" + System.nanoTime());
        try (RedisServer primary = RedisServer.startIn(dir.resolve("primary"), "--repl-diskless-sync-delay", "0");
             RedisServer replica = RedisServer.startIn(dir.resolve("replica"), "--replicaof", "127.0.0.1",
                     Integer.toString(primary.port()))) {
            java.util.Map<Integer, Long> marks = new java.util.concurrent.ConcurrentHashMap<>();
            Poll.untilTrue("the replica in sync", Duration.ofSeconds(30),
                    () -> RedisCli.replicaCaughtUp(primary.port(), marks));
            RedisState redis = connect(primary, 1);
            try {
                test.run(primary, replica, redis);
            } finally {
                redis.close();
            }
        }
    }

    @Test
    void withoutWaitReplicasAWriteIsJustTheWrite() throws Exception {
        try (RedisServer alone = RedisServer.start()) {
            RedisState redis = connect(alone, 0);
            try {
                assertEquals("OK", redis.writeDurably("k", c -> c.set("k", "v")).get(5, TimeUnit.SECONDS));
            } finally {
                redis.close();
            }
        }
    }
}
