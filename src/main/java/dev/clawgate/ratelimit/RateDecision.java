package dev.clawgate.ratelimit;

/**
 * A rate limiter's answer for one request: {@link Kind#ALLOWED}, {@link Kind#REFUSED}, or {@link Kind#UNKNOWN} when
 * the shared store (Redis) did not answer in time, in which case the request passes unlimited (fail open) and
 * carries no rate-limit headers.
 *
 * @param kind             allowed, refused or unknown
 * @param limit            the bucket capacity ({@code x-ratelimit-limit-requests}); 0 when unknown
 * @param remaining        tokens left ({@code x-ratelimit-remaining-requests}); 0 when unknown
 * @param resetNanos       time until the bucket is full again, ns ({@code x-ratelimit-reset-requests})
 * @param retryAfterNanos  when refused, time until the next token, ns; else 0
 */
public record RateDecision(Kind kind, long limit, long remaining, long resetNanos, long retryAfterNanos) {
    /** The store could not answer: pass the request, unlimited and without headers. */
    public static final RateDecision UNKNOWN = new RateDecision(Kind.UNKNOWN, 0, 0, 0, 0);

    /** What the limiter decided. */
    public enum Kind { ALLOWED, REFUSED, UNKNOWN }

    /** A known answer: allowed when a token was taken, else refused. */
    public static RateDecision of(boolean allowed, long limit, long remaining, long resetNanos, long retryAfterNanos) {
        return new RateDecision(allowed ? Kind.ALLOWED : Kind.REFUSED, limit, remaining, resetNanos, retryAfterNanos);
    }

    /** Whether a token was taken (false both when refused and when unknown). */
    public boolean allowed() {
        return kind == Kind.ALLOWED;
    }

    /** {@link #retryAfterNanos} in whole seconds, rounded up, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfterNanos + 999_999_999) / 1_000_000_000);
    }
}
