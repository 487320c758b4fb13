package dev.clawgate.cluster;

import dev.clawgate.time.Ticker;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets one warning per kind through every {@code intervalMs} and counts the rest, so a Redis outage under load logs a
 * line every few seconds instead of one per request. Thread-safe; time from the given {@link Ticker}.
 */
final class WarningThrottle {
    private final long intervalNanos;
    private final Ticker ticker;
    private final ConcurrentHashMap<String, State> kinds = new ConcurrentHashMap<>();

    private static final class State {
        long lastNanos;
        long suppressed;
        boolean any;
    }

    /** @param intervalMs least pause between two warnings of one kind, ms */
    WarningThrottle(long intervalMs, Ticker ticker) {
        this.intervalNanos = intervalMs * 1_000_000;
        this.ticker = ticker;
    }

    /**
     * @return -1 when this warning should be dropped (it is counted), else how many were dropped since the last one
     *         that went through
     */
    long allow(String kind) {
        State s = kinds.computeIfAbsent(kind, k -> new State());
        synchronized (s) {
            long now = ticker.nanoTime();
            if (s.any && now - s.lastNanos < intervalNanos) {
                s.suppressed++;
                return -1;
            }
            long dropped = s.suppressed;
            s.any = true;
            s.lastNanos = now;
            s.suppressed = 0;
            return dropped;
        }
    }
}
