package dev.clawgate.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.RedisServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import dev.clawgate.time.SystemScheduler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The expiring Redis lock against a real redis-server of the test's own. */
class RedisLockTest {
    static RedisServer server;
    static SystemScheduler scheduler;
    static RedisState redis;
    static RedisLock lock;

    @BeforeAll
    static void start() throws Exception {
        server = RedisServer.start();
        scheduler = new SystemScheduler();
        redis = server.connect(scheduler);
        lock = new RedisLock(redis, scheduler);
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
        scheduler.close();
        server.close();
    }

    @Test
    void aSecondHolderWaitsUntilTheFirstReleases() throws Exception {
        String key = "test:lock:" + System.nanoTime();
        String first = lock.acquire(key, 60_000, 1_000).get(5, TimeUnit.SECONDS);
        CompletableFuture<String> second = lock.acquire(key, 60_000, 10_000);
        assertFalse(second.isDone(), "the lock is taken");
        assertTrue(lock.release(key, first).get(5, TimeUnit.SECONDS));
        String token = second.get(5, TimeUnit.SECONDS);
        assertNotEquals(first, token);
        assertEquals(token, redis.commands().get(key).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aReleaseWithAnotherTokenLeavesTheLockAlone() throws Exception {
        String key = "test:lock:" + System.nanoTime();
        String token = lock.acquire(key, 60_000, 1_000).get(5, TimeUnit.SECONDS);
        assertFalse(lock.release(key, "not-the-token").get(5, TimeUnit.SECONDS));
        assertEquals(token, redis.commands().get(key).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aLockThatExpiredCanBeTakenAndItsOldHolderCannotFreeIt() throws Exception {
        String key = "test:lock:" + System.nanoTime();
        String old = lock.acquire(key, 50, 1_000).get(5, TimeUnit.SECONDS);
        String next = lock.acquire(key, 60_000, 10_000).get(5, TimeUnit.SECONDS); // retries until it expired
        assertFalse(lock.release(key, old).get(5, TimeUnit.SECONDS));
        assertEquals(next, redis.commands().get(key).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aKeptAliveLockOutlivesItsTtlAndIsFreeOnceTheKeepAliveStops() throws Exception {
        String key = "test:lock:" + System.nanoTime();
        String token = lock.acquire(key, 300, 1_000).get(5, TimeUnit.SECONDS);
        dev.clawgate.time.Scheduler.Task renewal = lock.keepAlive(key, token, 300);
        ExecutionException e = assertThrows(ExecutionException.class, // waits 1.5 s: five TTLs
                () -> lock.acquire(key, 60_000, 1_500).get(10, TimeUnit.SECONDS));
        assertInstanceOf(RedisLock.LockTimeoutException.class, e.getCause());
        assertEquals(token, redis.commands().get(key).get(5, TimeUnit.SECONDS));
        renewal.cancel();
        String next = lock.acquire(key, 60_000, 10_000).get(15, TimeUnit.SECONDS); // free within one TTL
        assertNotEquals(token, next);
    }

    @Test
    void waitingEndsWithATimeoutAtTheDeadline() throws Exception {
        String key = "test:lock:" + System.nanoTime();
        lock.acquire(key, 60_000, 1_000).get(5, TimeUnit.SECONDS);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> lock.acquire(key, 60_000, 100).get(5, TimeUnit.SECONDS));
        assertInstanceOf(RedisLock.LockTimeoutException.class, e.getCause());
    }
}
