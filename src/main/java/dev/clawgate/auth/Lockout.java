package dev.clawgate.auth;

/**
 * The failed-auth lockout (SPEC §3): in-process ({@link AuthLockout}, the default) or shared by every node through
 * Redis ({@link RedisLockout}, when {@code gateway.state.redis.url} is set). A shared
 * implementation fails open: when its store does not answer it reports "not locked" and "did not lock".
 *
 * <p>Clients are keyed by address, an IPv6 address by its network prefix ({@code gateway.auth.rateLimit.ipv6Prefix}
 * [64] bits, {@link LockoutKey}), since one host usually holds a whole /64. The check "is it locked?" and the record
 * of the attempt are one atomic step ({@link #attempt}), so a parallel burst gets at most {@code maxAttempts}
 * answers: the rest are refused as locked.
 */
public interface Lockout {
    /**
     * What one attempt may be told.
     *
     * @param lockedForMs > 0: the client is locked out for this many more milliseconds and the attempt is refused
     *                    (429) whatever its secret; 0: the attempt is answered (its secret decides: pass or 401)
     * @param lockedNow   this wrong secret was the one that locked the client out (it still gets its 401)
     */
    record Verdict(long lockedForMs, boolean lockedNow) {
        public static final Verdict ANSWER = new Verdict(0, false);

        public boolean refused() {
            return lockedForMs > 0;
        }
    }

    /** Milliseconds until {@code client}'s lockout ends, or 0 when it is not locked out. Changes nothing. */
    long lockedForMs(String client);

    /**
     * Checks and records one attempt that presented a secret, atomically: a locked client is refused (and nothing is
     * counted); otherwise a right secret resets the client's failures and a wrong one is counted, locking the client
     * out when it is the {@code maxAttempts}-th within the window.
     *
     * @param rightSecret whether the presented secret was right
     */
    Verdict attempt(String client, boolean rightSecret);

    /**
     * Counts a wrong secret from {@code client}.
     *
     * @return true when this failure locked the address out
     */
    default boolean recordFailure(String client) {
        return attempt(client, false).lockedNow();
    }

    /** Forgets {@code client}'s failures: it presented the right secret (unless it is locked out). */
    default void recordSuccess(String client) {
        attempt(client, true);
    }
}
