package dev.clawgate.ratelimit;

import dev.clawgate.caller.Caller;
import dev.clawgate.caller.UsageSink;

/**
 * Token quotas per caller ({@code tokensPerMinute}, {@code tokensPerDay} of a key or SSO user) over fixed windows:
 * the calendar minute and the UTC day of the gateway's wall clock. A request is admitted while every window has
 * tokens left ({@link #check}); a finished run is charged its prompt + completion tokens ({@link #tokensUsed}), so one
 * turn may overshoot the quota, and the next request is then refused until the window starts over. In process
 * ({@link MemoryTokenQuotas}) or shared by every node through Redis ({@link RedisTokenQuotas}).
 */
public interface TokenQuotas extends UsageSink {
    /** Minute and day windows, ms. */
    long MINUTE_MS = 60_000;
    long DAY_MS = 86_400_000;

    /** Whether {@code caller} (one with a token quota) may start a request now. Changes nothing; never null. */
    QuotaDecision check(Caller caller);

    /** The index of the window of length {@code windowMs} holding {@code epochMs}. */
    static long window(long epochMs, long windowMs) {
        return Math.floorDiv(epochMs, windowMs);
    }

    /** Nanoseconds from {@code epochMs} until its window of length {@code windowMs} ends. */
    static long resetNanos(long epochMs, long windowMs) {
        return ((window(epochMs, windowMs) + 1) * windowMs - epochMs) * 1_000_000L;
    }
}
