package dev.clawgate.ratelimit;

import dev.clawgate.cluster.RedisState;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import java.time.Duration;

/**
 * The request rate limit (SPEC §4) shared by every node: the same bucket as {@link RequestRateLimiter} (capacity
 * {@code gateway.http.rateLimit.burst}, refilled with {@code requestsPerMinute} per minute), kept in Redis under
 * {@code clawgate:ratelimit:<client address>} by Bucket4j's Lettuce proxy manager (compare-and-swap; the key expires
 * 10 s after the bucket would be full again). Bucket4j's clock is each node's wall clock, so nodes need NTP.
 *
 * <p>On a container thread the filter waits for the asynchronous answer at most
 * {@link RedisState#REQUEST_PATH_TIMEOUT_MS} ms; when Redis fails or is slower than that the request passes
 * unlimited (fail open, {@link RateDecision#UNKNOWN}), reported through {@link RedisState#failed} as kind {@code ratelimit}.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final String KEY = RedisState.PREFIX + "ratelimit:";

    private final RedisState redis;
    private final AsyncProxyManager<String> buckets;
    private final BucketConfiguration configuration;
    private final long capacity;

    /**
     * @param redis             the node's Redis connection
     * @param requestsPerMinute refill per client, per minute, at least 1
     * @param burst             bucket capacity, at least 1
     */
    public RedisRateLimiter(RedisState redis, long requestsPerMinute, long burst) {
        this.redis = redis;
        this.configuration = BucketConfiguration.builder()
                .addLimit(RequestRateLimiter.bandwidth(requestsPerMinute, burst))
                .build();
        this.buckets = Bucket4jLettuce.casBasedBuilder(redis.bucketConnection())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .requestTimeout(Duration.ofMillis(RedisState.REQUEST_PATH_TIMEOUT_MS))
                .build()
                .asAsync();
        this.capacity = burst;
    }

    @Override
    public RateDecision tryAcquire(String client) {
        ConsumptionProbe probe = redis.awaitOnRequestPath("ratelimit",
                () -> buckets.builder().build(KEY + client, configuration).tryConsumeAndReturnRemaining(1));
        return probe == null ? RateDecision.UNKNOWN : RateDecision.of(probe.isConsumed(), capacity,
                probe.getRemainingTokens(), probe.getNanosToWaitForReset(),
                probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill());
    }
}
