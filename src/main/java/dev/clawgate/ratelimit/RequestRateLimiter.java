package dev.clawgate.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import dev.clawgate.time.Ticker;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request rate limit (SPEC §4): one Bucket4j token bucket per client address, holding at most {@code burst}
 * tokens ({@code gateway.http.rateLimit.burst} [= requestsPerMinute]) and refilled greedily with
 * {@code requestsPerMinute} tokens per minute ({@code gateway.http.rateLimit.requestsPerMinute} [0 = off]), that is
 * one token every {@code 60 / requestsPerMinute} seconds, added continuously. A request takes one token or is
 * refused; nothing ever waits ({@code tryConsumeAndReturnRemaining}).
 *
 * <p>Worked example, requestsPerMinute 60 and burst 10: a new client starts with 10 tokens and may send 10 requests
 * at once; after the first, 9 remain and the bucket is full again in {@code 1s}. The 11th request in the same
 * instant is refused with {@code Retry-After: 1} (the next token is a second away). After 5 quiet seconds 5 tokens
 * are back; after 10 quiet seconds the bucket is full and the client is as good as new.
 *
 * <p>Memory is bounded: at most {@code maxTrackedClients} buckets ({@code gateway.http.rateLimit.maxTrackedClients}
 * [10000]) are kept, least recently used evicted first. A bucket that has refilled is the same as a new one, so
 * eviction costs nothing unless more distinct clients than that are active within one refill period; then the
 * least recent one starts over with a full bucket. Time comes from a Bucket4j {@link TimeMeter}, so tests move it.
 * Thread-safe.
 */
public final class RequestRateLimiter implements RateLimiter {
    private final TimeMeter time;
    private final long capacity;
    private final long requestsPerMinute;
    private final Map<String, Bucket> buckets;

    /**
     * @param time              the buckets' clock ({@link TimeMeter#SYSTEM_NANOTIME} in production)
     * @param requestsPerMinute refill per client, per minute, at least 1
     * @param burst             bucket capacity, at least 1
     * @param maxTrackedClients most buckets kept, at least 1
     */
    public RequestRateLimiter(TimeMeter time, long requestsPerMinute, long burst, int maxTrackedClients) {
        if (requestsPerMinute < 1 || burst < 1 || maxTrackedClients < 1) {
            throw new IllegalArgumentException("rate limit settings must be positive");
        }
        this.time = time;
        this.capacity = burst;
        this.requestsPerMinute = requestsPerMinute;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxTrackedClients;
            }
        };
    }

    /** A limiter whose buckets run on {@code ticker} (the gateway's time source; a fake one in tests). */
    public RequestRateLimiter(Ticker ticker, long requestsPerMinute, long burst, int maxTrackedClients) {
        this(meter(ticker), requestsPerMinute, burst, maxTrackedClients);
    }

    /** Bucket4j's time meter over a {@link Ticker}. */
    static TimeMeter meter(Ticker ticker) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.nanoTime();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /** Takes one token from {@code client}'s bucket, if there is one. Never blocks; never null. */
    @Override
    public RateDecision tryAcquire(String client) {
        Bucket bucket;
        synchronized (buckets) {
            bucket = buckets.computeIfAbsent(client, c -> newBucket());
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return RateDecision.of(probe.isConsumed(), capacity, probe.getRemainingTokens(), probe.getNanosToWaitForReset(),
                probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill());
    }

    /** How many buckets are kept now (for tests and metrics). */
    public int trackedClients() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /** The one limit of a client's bucket: {@code burst} tokens, refilled greedily with {@code requestsPerMinute}. */
    public static Bandwidth bandwidth(long requestsPerMinute, long burst) {
        return Bandwidth.builder().capacity(burst).refillGreedy(requestsPerMinute, Duration.ofMinutes(1)).build();
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(bandwidth(requestsPerMinute, capacity))
                .withCustomTimePrecision(time)
                .build();
    }
}
