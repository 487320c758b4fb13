package dev.clawgate.ratelimit;

/**
 * A per-client request rate limit: in-process ({@link RequestRateLimiter}, the default) or shared by every node
 * through Redis ({@link RedisRateLimiter}, when {@code gateway.state.redis.url} is set).
 */
public interface RateLimiter {
    /**
     * Takes one token from {@code client}'s bucket, if there is one.
     *
     * @return the decision; {@link RateDecision#UNKNOWN} when the shared store could not answer in time (the
     *         request then passes unlimited, fail open, and carries no rate-limit headers). Never null.
     */
    RateDecision tryAcquire(String client);
}
