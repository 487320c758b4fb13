package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import dev.clawgate.time.Scheduler;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.TimeUnit;

/**
 * The transport of one server-sent events response, whatever its events look like ({@code data:} lines only, or
 * {@code event:} and {@code data:} lines): the 200 with {@code text/event-stream; charset=utf-8},
 * {@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no}; frames written as they are given; the comment
 * {@code : keepalive} while nothing has been written for {@code heartbeatMs} ({@code gateway.http.heartbeatMs}
 * [15000]), timed on the injected {@link Scheduler}; an error before the 200 as a plain JSON error with its status.
 * Every write goes through one {@link ResponseOutput} under this object's monitor; a failed write reaches the
 * output's failure callback (which cancels the run), so a client that went away is noticed at the next frame or
 * keepalive at the latest.
 */
final class SseStream {
    private final HttpServletResponse response;
    private final ResponseOutput out;
    private final Scheduler scheduler;
    private final long heartbeatNanos;
    private final Runnable onOpened;
    private final Runnable onClosed;

    private boolean opened;
    private boolean stopped;
    private long lastWriteNanos;
    private Scheduler.Task heartbeat;

    /**
     * @param heartbeatMs idle time before a keepalive comment, ms, at least 1
     * @param onOpened    runs when the 200 goes out (metrics: a stream opened)
     * @param onClosed    runs once when an opened stream stops, however it ends
     */
    SseStream(HttpServletResponse response, ResponseOutput out, Scheduler scheduler, long heartbeatMs,
              Runnable onOpened, Runnable onClosed) {
        this.response = response;
        this.out = out;
        this.scheduler = scheduler;
        this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, heartbeatMs));
        this.onOpened = onOpened;
        this.onClosed = onClosed;
    }

    /** Whether the 200 and the SSE headers are out, so an error must go as an event. */
    synchronized boolean opened() {
        return opened;
    }

    /** Sends the 200, the SSE headers and {@code first}, and starts the heartbeat; once, and not after a stop. */
    synchronized void open(byte[] first) {
        if (opened || stopped) {
            return;
        }
        opened = true;
        response.setStatus(200);
        response.setContentType("text/event-stream; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        onOpened.run();
        send(first);
        heartbeat = scheduler.schedule(this::heartbeat, heartbeatNanos, TimeUnit.NANOSECONDS);
    }

    /** Writes frames (nothing when empty); a failed write runs the output's failure callback before it returns. */
    synchronized void send(byte[] frames) {
        if (frames.length > 0) {
            lastWriteNanos = scheduler.nanoTime();
            out.write(frames);
        }
    }

    /**
     * Like {@link #send} without running the failure callback, for a caller that may hold the run's monitor while
     * the run has not yet recorded its end; the output reports the failure when it is closed.
     */
    synchronized void sendQuietly(byte[] frames) {
        if (frames.length > 0) {
            lastWriteNanos = scheduler.nanoTime();
            out.offer(frames);
        }
    }

    /**
     * Before the 200: sends {@code error} as a JSON error with its status and returns true. After it: returns false,
     * and the caller sends its own error event.
     */
    synchronized boolean refuse(ApiException error) {
        if (opened) {
            return false;
        }
        if (!out.failed()) {
            out.write(ApiErrors.prepare(response, error));
        }
        return true;
    }

    /** Stops the heartbeat and tells {@code onClosed} (when the stream had opened); once. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (heartbeat != null) {
            heartbeat.cancel();
        }
        if (opened) {
            onClosed.run();
        }
    }

    /**
     * Writes a keepalive when the stream has been idle for the heartbeat period, then waits for the rest of the
     * period. A failed write is reported only after this monitor is released: the failure callback ends the run,
     * which takes the run's monitor before this one.
     */
    private void heartbeat() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            long idle = scheduler.nanoTime() - lastWriteNanos;
            if (idle >= heartbeatNanos) {
                lastWriteNanos = scheduler.nanoTime();
                out.offer(SseEmitter.KEEPALIVE);
                idle = 0;
            }
            heartbeat = scheduler.schedule(this::heartbeat, Math.max(1, heartbeatNanos - idle), TimeUnit.NANOSECONDS);
        }
        out.reportFailure();
    }
}
