package dev.clawgate.auth;

import dev.clawgate.cluster.RedisState;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The failed-auth lockout shared by every node, with {@link AuthLockout}'s semantics: {@code maxAttempts} wrong
 * secrets within {@code windowMs} lock the address out for {@code lockoutMs}, on every node. Per client address two
 * keys: {@code clawgate:lockout:<address>:fails}, a sorted set of failure times (ms, from the injected {@link Clock};
 * expires after {@code windowMs}), and {@code clawgate:lockout:<address>:until}, present (with that TTL) while the
 * address is locked out. A failure is counted and the lockout set by one small Lua script, so two nodes counting at
 * once cannot both miss the limit. Memory in Redis is bounded by the TTLs, not by a count.
 *
 * <p>Fails open: when Redis does not answer within {@link RedisState#REQUEST_PATH_TIMEOUT_MS} ms,
 * {@link #lockedForMs} says 0 and {@link #recordFailure} false, reported as kind {@code lockout}.
 * {@link #recordSuccess} does not wait at all.
 */
public final class RedisLockout implements Lockout {
    private static final String KEY = RedisState.PREFIX + "lockout:";
    /** KEYS: fails, until; ARGV: now ms, window ms, max attempts, lockout ms, unique member. Returns 1 when it locked. */
    private static final String RECORD_FAILURE = """
            if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
              redis.call('DEL', KEYS[1])
              redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
              return 1
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 0
            """;

    private final RedisState redis;
    private final Clock clock;
    private final String maxAttempts;
    private final String windowMs;
    private final String lockoutMs;

    /**
     * @param redis       the node's Redis connection
     * @param clock       time source for failure times
     * @param maxAttempts wrong secrets that lock an address out, at least 1
     * @param windowMs    sliding window they must fall in, ms
     * @param lockoutMs   lockout length, ms
     */
    public RedisLockout(RedisState redis, Clock clock, int maxAttempts, long windowMs, long lockoutMs) {
        if (maxAttempts < 1 || windowMs < 1 || lockoutMs < 1) {
            throw new IllegalArgumentException("lockout settings must be positive");
        }
        this.redis = redis;
        this.clock = clock;
        this.maxAttempts = Integer.toString(maxAttempts);
        this.windowMs = Long.toString(windowMs);
        this.lockoutMs = Long.toString(lockoutMs);
    }

    @Override
    public long lockedForMs(String client) {
        Long ttl = redis.awaitOnRequestPath("lockout", () -> redis.commands().pttl(KEY + client + ":until"));
        return ttl == null || ttl <= 0 ? 0 : ttl;
    }

    @Override
    public boolean recordFailure(String client) {
        long now = clock.millis();
        String member = now + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Long locked = redis.awaitOnRequestPath("lockout", () -> redis.commands().<Long>eval(RECORD_FAILURE,
                ScriptOutputType.INTEGER, new String[] {KEY + client + ":fails", KEY + client + ":until"},
                Long.toString(now), windowMs, maxAttempts, lockoutMs, member));
        return locked != null && locked == 1L;
    }

    @Override
    public void recordSuccess(String client) {
        try {
            redis.commands().del(KEY + client + ":fails").whenComplete((n, error) -> {
                if (error != null) {
                    redis.failed("lockout", error);
                }
            });
        } catch (RuntimeException e) {
            redis.failed("lockout", e);
        }
    }
}
