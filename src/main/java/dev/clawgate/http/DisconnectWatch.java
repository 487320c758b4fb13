package dev.clawgate.http;

import dev.clawgate.time.Scheduler;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Notices that a non-streaming client hung up while its answer is being prepared: every {@code checkMs}
 * ({@code gateway.http.disconnectCheckMs} [1000]; 0 = off) it asks the {@link ConnectionProbe} on the shared
 * {@link Scheduler} (a non-blocking read, microseconds), and when the client is gone runs {@code onGone} once — the
 * exchange cancels the run, which cancels the upstream call and commits nothing. {@link #stop()} must be called
 * before the answer is written: it waits for a probe in progress and no probe runs after it, so a probe can never
 * read a keep-alive client's next request.
 */
final class DisconnectWatch {
    private final ConnectionProbe probe;
    private final Scheduler scheduler;
    private final long checkNanos;
    private final HttpServletResponse response;
    private final Runnable onGone;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean stopped;
    private Scheduler.Task next;

    /** @param checkMs time between probes, ms; 0 or a {@link ConnectionProbe#NONE} probe: never probes */
    DisconnectWatch(ConnectionProbe probe, Scheduler scheduler, long checkMs, HttpServletResponse response,
                    Runnable onGone) {
        this.probe = probe;
        this.scheduler = scheduler;
        this.checkNanos = TimeUnit.MILLISECONDS.toNanos(checkMs);
        this.response = response;
        this.onGone = onGone;
    }

    /** Starts probing (once). */
    void start() {
        if (checkNanos <= 0 || probe == ConnectionProbe.NONE) {
            return;
        }
        lock.lock();
        try {
            if (!stopped && next == null) {
                next = scheduler.schedule(this::tick, checkNanos, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops probing; returns once no probe is running. Idempotent. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            if (next != null) {
                next.cancel();
            }
        } finally {
            lock.unlock();
        }
    }

    private void tick() {
        boolean gone = false;
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            switch (probe.check()) {
                case OPEN -> next = scheduler.schedule(this::tick, checkNanos, TimeUnit.NANOSECONDS);
                case SPOILED -> {
                    stopped = true;
                    response.setHeader("Connection", "close");
                }
                case CLOSED -> {
                    stopped = true;
                    gone = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (gone) {
            onGone.run();
        }
    }
}
