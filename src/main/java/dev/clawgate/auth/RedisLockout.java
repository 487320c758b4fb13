package dev.clawgate.auth;

import dev.clawgate.cluster.RedisState;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The failed-auth lockout shared by every node, with {@link AuthLockout}'s semantics: {@code maxAttempts} wrong
 * secrets within {@code windowMs} lock the client out for {@code lockoutMs}, on every node; a client is an IPv4
 * address or the {@code ipv6Prefix}-bit network of an IPv6 one ({@link LockoutKey}). Per client two keys:
 * {@code clawgate:lockout:<client>:fails}, a sorted set of failure times (ms, from the injected {@link Clock};
 * expires after {@code windowMs}), and {@code clawgate:lockout:<client>:until}, present (with that TTL) while the
 * client is locked out. {@link #attempt} is one Lua script that checks the lockout and then resets or counts, so a
 * parallel burst on any number of nodes gets exactly {@code maxAttempts} answers and 429s for the rest. Memory in
 * Redis is bounded by the TTLs, not by a count, so no lockout is ever evicted.
 *
 * <p>Fails open: when Redis does not answer within {@link RedisState#REQUEST_PATH_TIMEOUT_MS} ms,
 * {@link #lockedForMs} says 0 and {@link #attempt} answers (not locked, did not lock), reported as kind
 * {@code lockout}.
 */
public final class RedisLockout implements Lockout {
    private static final String KEY = RedisState.PREFIX + "lockout:";
    /**
     * KEYS: fails, until; ARGV: now ms, window ms, max attempts, lockout ms, unique member, 1 if the secret was right.
     * Returns the lockout's remaining ms when locked (nothing recorded), -1 when this failure locked, else 0.
     */
    private static final String ATTEMPT = """
            local left = redis.call('PTTL', KEYS[2])
            if left > 0 then return left end
            if ARGV[6] == '1' then
              redis.call('DEL', KEYS[1])
              return 0
            end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
              redis.call('DEL', KEYS[1])
              redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
              return -1
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 0
            """;

    private final RedisState redis;
    private final Clock clock;
    private final String maxAttempts;
    private final String windowMs;
    private final String lockoutMs;
    private final int ipv6Prefix;

    /**
     * @param redis       the node's Redis connection
     * @param clock       time source for failure times
     * @param maxAttempts wrong secrets that lock a client out, at least 1
     * @param windowMs    sliding window they must fall in, ms
     * @param lockoutMs   lockout length, ms
     * @param ipv6Prefix  bits of an IPv6 address that name one client, 1..128 [64]
     */
    public RedisLockout(RedisState redis, Clock clock, int maxAttempts, long windowMs, long lockoutMs,
                        int ipv6Prefix) {
        if (maxAttempts < 1 || windowMs < 1 || lockoutMs < 1 || ipv6Prefix < 1 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("lockout settings must be positive (ipv6Prefix 1..128)");
        }
        this.redis = redis;
        this.clock = clock;
        this.maxAttempts = Integer.toString(maxAttempts);
        this.windowMs = Long.toString(windowMs);
        this.lockoutMs = Long.toString(lockoutMs);
        this.ipv6Prefix = ipv6Prefix;
    }

    @Override
    public long lockedForMs(String client) {
        String key = KEY + LockoutKey.of(client, ipv6Prefix);
        Long ttl = redis.awaitOnRequestPath("lockout", () -> redis.commands().pttl(key + ":until"));
        return ttl == null || ttl <= 0 ? 0 : ttl;
    }

    @Override
    public Verdict attempt(String client, boolean rightSecret) {
        String key = KEY + LockoutKey.of(client, ipv6Prefix);
        long now = clock.millis();
        String member = now + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Long result = redis.awaitOnRequestPath("lockout", () -> redis.commands().<Long>eval(ATTEMPT,
                ScriptOutputType.INTEGER, new String[] {key + ":fails", key + ":until"},
                Long.toString(now), windowMs, maxAttempts, lockoutMs, member, rightSecret ? "1" : "0"));
        if (result == null || result == 0) {
            return Verdict.ANSWER;
        }
        return result < 0 ? new Verdict(0, true) : new Verdict(result, false);
    }
}
