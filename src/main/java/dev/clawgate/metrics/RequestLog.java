package dev.clawgate.metrics;

import dev.clawgate.events.RequestRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The access log: one {@code java.util.logging} record per finished chat request, i.e. one line in the container's
 * log that a line-based shipper (Filebeat, Fluent Bit, journald) reads whole, with the container's own timestamp and
 * logger prefix. Logger {@code dev.clawgate.access} at INFO; set it to WARNING in the container's logging
 * configuration to turn the lines off. The line is {@link AccessLine} in {@code gateway.accessLog.format} (logfmt
 * [default] or json); it never holds message content, a session key or a secret.
 *
 * <p>Off the request path: {@link #add} formats the line and queues the record (about 1 µs, {@code bench/accesslog.sh});
 * one daemon thread, {@code clawgate-access-log}, hands the records to the container's handlers, whose formatting and
 * writes (tens of µs per record with the default console and file handlers) never hold a request thread. Each record
 * carries the instant the request finished, the source {@code dev.clawgate.access.chat} (so JUL never walks the
 * stack) and the request thread's id. The thread publishes what has gathered, then lets lines gather for
 * {@value #LINGER_MS} ms, so a line reaches the handlers at most that much after its request. At most {@value #MAX_PENDING} lines wait; beyond that (handlers far slower
 * than the traffic) lines are dropped and counted, and the thread logs one WARNING per burst with the count.
 * {@link #close()} (undeploy) publishes what is queued and stops the thread, waiting at most
 * {@value #CLOSE_WAIT_MS} ms.
 */
public final class RequestLog implements AutoCloseable {
    static final String LOGGER = "dev.clawgate.access";
    /** Most lines waiting for the log thread. */
    static final int MAX_PENDING = 10_000;
    /**
     * How long the log thread lets lines gather after it has published all it had, ms: it then publishes them in one
     * go, instead of being woken (a futex wake and two context switches) by every request.
     */
    static final long LINGER_MS = 20;
    /** Longest {@link #close()} waits for the queued lines to be published, ms. */
    static final long CLOSE_WAIT_MS = 5_000;
    private static final Logger LOG = Logger.getLogger(LOGGER);
    private static final LogRecord STOP = new LogRecord(Level.OFF, "stop");

    private final Clock clock;
    private final BiFunction<Instant, RequestRecord, String> format;
    private final BlockingQueue<LogRecord> pending = new ArrayBlockingQueue<>(MAX_PENDING);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * Starts the log thread.
     *
     * @param clock the wall clock of each line's {@code time}
     * @param json  JSON lines instead of logfmt
     */
    public RequestLog(Clock clock, boolean json) {
        this.clock = clock;
        this.format = json ? AccessLine::json : AccessLine::logfmt;
        this.writer = new Thread(this::publishLoop, "clawgate-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues the line of one finished request; never blocks. */
    public void add(RequestRecord r) {
        if (closed || !LOG.isLoggable(Level.INFO)) {
            return;
        }
        Instant at = clock.instant();
        LogRecord record = new LogRecord(Level.INFO, format.apply(at, r));
        record.setInstant(at);
        record.setLoggerName(LOGGER);
        record.setSourceClassName(LOGGER);
        record.setSourceMethodName("chat");
        if (!pending.offer(record)) {
            dropped.incrementAndGet();
        }
    }

    private void publishLoop() {
        try {
            for (LogRecord r = pending.take(); r != STOP; r = pending.take()) {
                LOG.log(r);
                reportDropped();
                if (pending.isEmpty()) {
                    Thread.sleep(LINGER_MS); // lines gather meanwhile: a finished request does not wake this thread
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LogRecord r = pending.poll(); r != null; r = pending.poll()) {
            if (r != STOP) {
                LOG.log(r);
            }
        }
        reportDropped();
    }

    private void reportDropped() {
        long n = dropped.get();
        if (n > 0 && pending.isEmpty()) {
            dropped.addAndGet(-n);
            LOG.logp(Level.WARNING, LOGGER, "dropped", "clawgate: " + n + " access log lines dropped: more than "
                    + MAX_PENDING + " were waiting for the log handlers (slow disk or console?)");
        }
    }

    /** Publishes every queued line, then stops the log thread (waiting at most {@value #CLOSE_WAIT_MS} ms). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!pending.offer(STOP, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                writer.interrupt();
            }
            writer.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
        }
    }
}
