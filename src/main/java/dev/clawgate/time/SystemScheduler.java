package dev.clawgate.time;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link Scheduler}: one daemon thread ({@code clawgate-timer}) over {@link System#nanoTime()}.
 * Cancelled tasks leave the queue at once; tasks still queued at {@link #close()} are dropped.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;

    public SystemScheduler() {
        this("clawgate-timer");
    }

    /** A scheduler whose one daemon thread has the given name. */
    public SystemScheduler(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Task schedule(Runnable task, long delay, TimeUnit unit) {
        ScheduledFuture<?> f = executor.schedule(task, delay, unit);
        return () -> f.cancel(false);
    }

    @Override
    public Task scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        ScheduledFuture<?> f = executor.scheduleWithFixedDelay(task, initialDelay, delay, unit);
        return () -> f.cancel(false);
    }

    /** Stops the timer thread, waiting at most {@code timeoutMs} for a running task to end. */
    public void shutdown(long timeoutMs) {
        executor.shutdownNow();
        try {
            executor.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the timer thread at once, without waiting. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
