package dev.clawgate.ratelimit;

import dev.clawgate.caller.Caller;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link TokenQuotas} in this JVM: per caller, the tokens used in the current minute and the current UTC day (fixed
 * windows on the injected wall clock, so a test moves them). Only callers with a quota are counted, and they are
 * declared in configuration or the keys file; at most {@value #MAX_TRACKED} are kept, least recently used dropped
 * first (a dropped caller starts its windows afresh). Thread-safe; never blocks beyond one short lock.
 *
 * <p>Example, {@code tokensPerMinute=1000}: at 12:00:10 the caller has used 0 and is admitted
 * ({@code x-ratelimit-remaining-tokens: 1000}, reset {@code 50s}); its run uses 1,200 tokens (one turn may
 * overshoot); at 12:00:30 it is refused with {@code Retry-After: 30}; at 12:01:00 the minute starts over.
 */
public final class MemoryTokenQuotas implements TokenQuotas {
    /** Most callers counted. */
    static final int MAX_TRACKED = 10_000;

    private final Clock clock;
    private final Map<String, Usage> byCaller = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Usage> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    /** Tokens used in one minute and one day. */
    private static final class Usage {
        long minute = Long.MIN_VALUE;
        long minuteUsed;
        long day = Long.MIN_VALUE;
        long dayUsed;

        void roll(long now) {
            long m = TokenQuotas.window(now, MINUTE_MS);
            if (m != minute) {
                minute = m;
                minuteUsed = 0;
            }
            long d = TokenQuotas.window(now, DAY_MS);
            if (d != day) {
                day = d;
                dayUsed = 0;
            }
        }
    }

    public MemoryTokenQuotas(Clock clock) {
        this.clock = clock;
    }

    @Override
    public QuotaDecision check(Caller caller) {
        long now = clock.millis();
        long minuteUsed;
        long dayUsed;
        synchronized (byCaller) {
            Usage u = byCaller.get(caller.id());
            if (u == null) {
                minuteUsed = 0;
                dayUsed = 0;
            } else {
                u.roll(now);
                minuteUsed = u.minuteUsed;
                dayUsed = u.dayUsed;
            }
        }
        return QuotaDecision.of(new long[] {caller.tokensPerMinute(), caller.tokensPerDay()},
                new long[] {minuteUsed, dayUsed},
                new long[] {TokenQuotas.resetNanos(now, MINUTE_MS), TokenQuotas.resetNanos(now, DAY_MS)});
    }

    @Override
    public void tokensUsed(Caller caller, long tokens) {
        if (tokens <= 0 || !caller.limitsTokens()) {
            return;
        }
        long now = clock.millis();
        synchronized (byCaller) {
            Usage u = byCaller.computeIfAbsent(caller.id(), c -> new Usage());
            u.roll(now);
            u.minuteUsed += tokens;
            u.dayUsed += tokens;
        }
    }
}
