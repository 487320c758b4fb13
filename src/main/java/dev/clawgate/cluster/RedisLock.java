package dev.clawgate.cluster;

import dev.clawgate.time.Scheduler;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A lock in Redis that expires: {@code SET key token NX PX ttl} with a random 128-bit token, released by
 * compare-and-delete (a Lua script deletes the key only while it still holds this token), so a holder whose lock
 * expired can never free a lock someone else took since. Waiting holds no thread: a refused attempt is retried on
 * the given scheduler after 5 ms, doubling up to 200 ms, until the deadline; then the future fails with
 * {@link LockTimeoutException}. A Redis error fails the future at once. {@link #keepAlive} renews a held lock so it
 * can have a short TTL yet outlive a long turn.
 */
public final class RedisLock {
    static final long FIRST_RETRY_MS = 5;
    static final long MAX_RETRY_MS = 200;
    /** KEYS: lock; ARGV: token. Deletes the lock only if it holds the token; 1 when deleted. */
    public static final String COMPARE_AND_DELETE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """;
    /** KEYS: lock; ARGV: token, ttl ms. Extends the lock only if it holds the token; 1 when extended. */
    private static final String COMPARE_AND_EXTEND = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return 0
            """;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisState redis;
    private final Scheduler scheduler;

    /** Thrown (as the future's failure) when the lock stayed taken until the deadline. */
    public static final class LockTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LockTimeoutException() {
            super("the session lock stayed taken until the deadline", null, false, false);
        }
    }

    /**
     * @param redis     the node's Redis connection
     * @param scheduler where retries wait (the gateway's timer)
     */
    public RedisLock(RedisState redis, Scheduler scheduler) {
        this.redis = redis;
        this.scheduler = scheduler;
    }

    /**
     * Takes the lock.
     *
     * @param key       the lock's key
     * @param ttlMs     how long the lock lives unless released, ms
     * @param waitMs    how long to keep trying, ms
     * @return the token that {@link #release} needs
     */
    public CompletableFuture<String> acquire(String key, long ttlMs, long waitMs) {
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        String token = HexFormat.of().formatHex(raw);
        CompletableFuture<String> result = new CompletableFuture<>();
        attempt(key, token, ttlMs, scheduler.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs), FIRST_RETRY_MS, result);
        return result;
    }

    private void attempt(String key, String token, long ttlMs, long deadlineNanos, long backoffMs,
                         CompletableFuture<String> result) {
        if (result.isDone()) {
            return;
        }
        try {
            redis.commands().set(key, token, SetArgs.Builder.nx().px(ttlMs)).whenComplete((ok, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else if ("OK".equals(ok)) {
                    if (!result.complete(token)) {
                        release(key, token);
                    }
                } else if (scheduler.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) - deadlineNanos > 0) {
                    result.completeExceptionally(new LockTimeoutException());
                } else {
                    retry(key, token, ttlMs, deadlineNanos, backoffMs, result);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private void retry(String key, String token, long ttlMs, long deadlineNanos, long backoffMs,
                       CompletableFuture<String> result) {
        try {
            scheduler.schedule(() -> attempt(key, token, ttlMs, deadlineNanos, Math.min(MAX_RETRY_MS, backoffMs * 2),
                    result), backoffMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    /**
     * Keeps a held lock alive: every {@code ttlMs / 3} its TTL is set back to {@code ttlMs} while it still holds
     * {@code token}, so a live holder keeps it for as long as its turn runs and a crashed one loses it within
     * {@code ttlMs}. A failed renewal is reported and retried at the next period. Cancel the returned task when done.
     */
    public Scheduler.Task keepAlive(String key, String token, long ttlMs) {
        long period = Math.max(1, ttlMs / 3);
        String ttl = Long.toString(ttlMs);
        return scheduler.scheduleWithFixedDelay(() -> {
            try {
                redis.commands().eval(COMPARE_AND_EXTEND, ScriptOutputType.INTEGER, new String[] {key}, token, ttl)
                        .whenComplete((n, error) -> {
                            if (error != null) {
                                redis.failed("session", error);
                            }
                        });
            } catch (RuntimeException e) {
                redis.failed("session", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /** Frees the lock if it still holds {@code token}; does not wait; a failure only means the lock expires later. */
    public CompletableFuture<Boolean> release(String key, String token) {
        try {
            return redis.commands().<Long>eval(COMPARE_AND_DELETE, ScriptOutputType.INTEGER, new String[] {key}, token)
                    .toCompletableFuture().thenApply(n -> n != null && n == 1L);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
