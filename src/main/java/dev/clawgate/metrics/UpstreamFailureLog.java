package dev.clawgate.metrics;

import dev.clawgate.events.RequestRecord;
import dev.clawgate.time.Ticker;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One WARNING per upstream failure an operator can alert on, at most one per provider every
 * {@value #INTERVAL_MS} ms (time from the injected {@link Ticker}): {@code clawgate: upstream failure
 * provider=<name> kind=<connect|timeout|status_4xx|status_429|status_5xx|protocol|dropped> agent=<id>
 * status=<sent> error=<code> request_id=<id>}, plus {@code suppressed=<n>} when failures of that provider were left
 * out since its last warning. Fed with every finished request (the listener registers {@link #add}); requests whose
 * provider did not fail are ignored. Cheap and non-blocking except for the warning itself.
 */
public final class UpstreamFailureLog {
    /** Least time between two warnings about one provider, ms. */
    static final long INTERVAL_MS = 10_000;
    private static final System.Logger LOG = System.getLogger(UpstreamFailureLog.class.getName());

    private final Ticker ticker;
    private final ConcurrentHashMap<String, Window> providers = new ConcurrentHashMap<>();

    private static final class Window {
        long lastNanos;
        long suppressed;
        boolean any;
    }

    public UpstreamFailureLog(Ticker ticker) {
        this.ticker = ticker;
    }

    /** Logs the failure of {@code r}'s provider unless one was logged for it within the interval. */
    public void add(RequestRecord r) {
        if (r.upstreamErrorKind() == null) {
            return;
        }
        String provider = r.provider();
        Window w = providers.computeIfAbsent(provider, p -> new Window());
        long suppressed;
        synchronized (w) {
            long now = ticker.nanoTime();
            if (w.any && now - w.lastNanos < INTERVAL_MS * 1_000_000) {
                w.suppressed++;
                return;
            }
            suppressed = w.suppressed;
            w.any = true;
            w.lastNanos = now;
            w.suppressed = 0;
        }
        LOG.log(Level.WARNING, "clawgate: upstream failure provider=" + provider + " kind=" + r.upstreamErrorKind()
                + " agent=" + r.agent() + " status=" + r.status() + " error="
                + (r.errorCode() != null ? r.errorCode() : r.errorType()) + " request_id=" + r.requestId()
                + (suppressed > 0 ? " suppressed=" + suppressed : ""));
    }
}
