package dev.clawgate.auth;

/**
 * The failed-auth lockout (SPEC §3): in-process ({@link AuthLockout}, the default) or shared by every node through
 * Redis ({@link RedisLockout}, when {@code gateway.state.redis.url} is set). A shared
 * implementation fails open: when its store does not answer it reports "not locked" and "did not lock".
 */
public interface Lockout {
    /** Milliseconds until {@code client}'s lockout ends, or 0 when it is not locked out. */
    long lockedForMs(String client);

    /**
     * Counts a wrong secret from {@code client}.
     *
     * @return true when this failure locked the address out
     */
    boolean recordFailure(String client);

    /** Forgets {@code client}'s failures: it presented the right secret. */
    void recordSuccess(String client);
}
