package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway-wide budget for request bodies being read ({@code gateway.http.maxBodyBytesInFlight}, bytes, default
 * 64 MiB). Every {@link BodyReader} reserves the capacity of its buffer here before it allocates or grows it, and
 * gives all of it back once the body has been parsed or the read has failed. A body that would take the total over
 * the limit is refused with 503 {@code service_unavailable} ({@code code} {@code body_budget_exhausted},
 * {@code Retry-After: 1}): the refusal is about the gateway's load, not the client's request, so it is not a 4xx.
 * Thread-safe; lock-free.
 */
public final class BodyBudget {
    /** Seconds a refused client is asked to wait ({@code Retry-After}). */
    static final long RETRY_AFTER_SECONDS = 1;

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** @param limitBytes {@code gateway.http.maxBodyBytesInFlight}: most body bytes held at once, at least 1 */
    public BodyBudget(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("limit must be at least 1 byte");
        }
        this.limit = limitBytes;
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when that would pass the limit. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back {@code bytes} taken by {@link #tryReserve}. */
    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes reserved by the bodies being read now. */
    public long inUse() {
        return used.get();
    }

    /** The limit, bytes. */
    public long limit() {
        return limit;
    }

    static ApiException exhausted() {
        return new ApiException(503, "service_unavailable", null, "body_budget_exhausted",
                "The gateway is receiving too many request bodies at once; retry shortly.", RETRY_AFTER_SECONDS);
    }
}
