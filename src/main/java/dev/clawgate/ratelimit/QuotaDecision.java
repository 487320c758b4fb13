package dev.clawgate.ratelimit;

/**
 * A token quota's answer for one request, about its tightest window: {@link Kind#ALLOWED} while every window of the
 * caller has tokens left, {@link Kind#REFUSED} when one is spent, {@link Kind#UNKNOWN} when the shared store (Redis)
 * did not answer in time (the request passes, fail open, without token headers).
 *
 * @param kind       allowed, refused or unknown
 * @param limit      the window's quota ({@code x-ratelimit-limit-tokens})
 * @param remaining  tokens left in it, never negative ({@code x-ratelimit-remaining-tokens})
 * @param resetNanos time until the window starts over, ns ({@code x-ratelimit-reset-tokens}; {@code Retry-After}
 *                   when refused)
 * @param window     {@code minute} or {@code day}, for the refusal's message
 */
public record QuotaDecision(Kind kind, long limit, long remaining, long resetNanos, String window) {
    /** The store could not answer: pass without headers. */
    public static final QuotaDecision UNKNOWN = new QuotaDecision(Kind.UNKNOWN, 0, 0, 0, null);

    /** What the quota decided. */
    public enum Kind { ALLOWED, REFUSED, UNKNOWN }

    /**
     * The decision over the caller's windows: refused when one has nothing left (reporting the spent window that
     * resets last, since the request is admitted only then), else the window with the least left.
     *
     * @param limits    quota per window (0 = no such window), minute first then day
     * @param used      tokens used in the current instance of each window
     * @param resets    ns until each window starts over
     */
    static QuotaDecision of(long[] limits, long[] used, long[] resets) {
        int refused = -1;
        int tightest = -1;
        for (int i = 0; i < limits.length; i++) {
            if (limits[i] <= 0) {
                continue;
            }
            long left = limits[i] - used[i];
            if (left <= 0 && (refused < 0 || resets[i] > resets[refused])) {
                refused = i;
            }
            if (tightest < 0 || left < limits[tightest] - used[tightest]) {
                tightest = i;
            }
        }
        int w = refused >= 0 ? refused : tightest;
        return new QuotaDecision(refused >= 0 ? Kind.REFUSED : Kind.ALLOWED, limits[w],
                Math.max(0, limits[w] - used[w]), resets[w], w == 0 ? "minute" : "day");
    }

    /** {@link #resetNanos} in whole seconds, rounded up, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (resetNanos + 999_999_999) / 1_000_000_000);
    }
}
