package dev.clawgate.metrics;

import dev.clawgate.events.RequestRecord;
import dev.clawgate.time.Scheduler;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One access line per finished chat request, through {@code java.util.logging} (so it lands in the container's
 * logging): time, request id, caller ({@code operator}, a key's name or an SSO user; never a secret), agent, session
 * kind, stream or not, status, outcome, duration, time to first token, tokens and the number of server tool rounds.
 * Never message content, tool arguments or results, never the session key. Logger {@code dev.clawgate.access} at
 * INFO; set that logger
 * to WARNING in the container's logging configuration to turn the lines off.
 *
 * <p>Buffered, as nginx's {@code access_log ... buffer= flush=}: lines are published as one log record of up to
 * {@value #BATCH_LINES} lines, at the latest {@value #FLUSH_MS} ms after the first of them, and at undeploy. The
 * benchmark showed one JUL record per request costing about 100 µs of CPU with the containers' default handlers
 * (formatting, a synchronized console write and flush per record), as much as the rest of an echo request; a batch
 * pays that once. Each record names its source ({@code logp}), so JUL never walks the stack to infer it.
 */
public final class RequestLog {
    static final String LOGGER = "dev.clawgate.access";
    /** Most lines in one log record. */
    static final int BATCH_LINES = 64;
    /** Longest a line waits before it is published, milliseconds. */
    static final long FLUSH_MS = 100;
    private static final Logger LOG = Logger.getLogger(LOGGER);

    private final Scheduler scheduler;
    private final Clock clock;
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    /**
     * A log that flushes on {@code scheduler}; feed it with {@link #add} (the listener registers it for every
     * finished request) and {@link #flush()} it at undeploy.
     *
     * @param clock the wall clock of each line's {@code time=}
     */
    public RequestLog(Scheduler scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Queues the line of one finished request. */
    public void add(RequestRecord r) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        pending.add(line(clock.instant(), r));
        if (size.incrementAndGet() >= BATCH_LINES) {
            flush();
        } else if (flushScheduled.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::timedFlush, FLUSH_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                flushScheduled.set(false);
                flush();
            }
        }
    }

    private void timedFlush() {
        flushScheduled.set(false);
        flush();
    }

    /** Publishes every pending line now, as one record. */
    public synchronized void flush() {
        String first = pending.poll();
        if (first == null) {
            return;
        }
        size.decrementAndGet();
        StringBuilder b = new StringBuilder(first.length() * Math.min(BATCH_LINES, size.get() + 1) + 16).append(first);
        for (String next = pending.poll(); next != null; next = pending.poll()) {
            size.decrementAndGet();
            b.append('\n').append(next);
        }
        LOG.logp(Level.INFO, LOGGER, "chat", b.toString());
    }

    static String line(Instant at, RequestRecord r) {
        StringBuilder b = new StringBuilder(224).append("chat time=").append(at).append(" request_id=")
                .append(r.requestId()).append(" caller=").append(r.caller()).append(" agent=").append(r.agent()).append(" session=").append(r.sessionKind())
                .append(" stream=").append(r.stream()).append(" status=").append(r.status())
                .append(" outcome=").append(r.outcome());
        if (r.errorType() != null) {
            b.append(" error=").append(r.errorType());
        }
        b.append(" duration_ms=").append(r.durationNanos() / 1_000_000).append(" ttft_ms=");
        if (r.ttftNanos() < 0) {
            b.append('-');
        } else {
            b.append(r.ttftNanos() / 1_000_000);
        }
        return b.append(" prompt_tokens=").append(r.promptTokens()).append(" completion_tokens=")
                .append(r.completionTokens()).append(" tool_rounds=").append(r.toolRounds()).toString();
    }
}
