package dev.clawgate.time;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link Scheduler}: one daemon thread ({@code clawgate-timer}) over {@link System#nanoTime()}. The
 * thread wakes every {@value #TICK_MS} ms even when idle, so that setting a later deadline wakes nobody.
 * Cancelled tasks leave the queue at once; tasks still queued at {@link #close()} are dropped. {@link #shutdown}
 * returns only once the thread has ended (or its bound has passed), so an undeploy leaves no timer thread behind.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {
    /** The idle tick of the timer thread, ms: tasks due later than this never wake it when scheduled. */
    static final long TICK_MS = 100;

    private final ScheduledThreadPoolExecutor executor;
    private final OwnedThreads threads;

    public SystemScheduler() {
        this("clawgate-timer");
    }

    /** A scheduler whose one daemon thread has the given name. */
    public SystemScheduler(String threadName) {
        threads = new OwnedThreads(threadName, false);
        executor = new ScheduledThreadPoolExecutor(1, threads);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // A task that becomes the head of the queue wakes the timer thread (a futex wake and two context switches on
        // the scheduling request's thread). Most tasks are deadlines set and cancelled within the request (a body's
        // bodyTimeoutMs, a stream's silence timer): with this tick always nearer, they never become the head.
        executor.scheduleAtFixedRate(SystemScheduler::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    private static void tick() {
        // nothing: its being due keeps the queue's head near
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** A task scheduled after {@link #close()} is dropped, like the ones still queued then. */
    @Override
    public Task schedule(Runnable task, long delay, TimeUnit unit) {
        try {
            ScheduledFuture<?> f = executor.schedule(task, delay, unit);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException closed) {
            return () -> false;
        }
    }

    @Override
    public Task scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        try {
            ScheduledFuture<?> f = executor.scheduleWithFixedDelay(task, initialDelay, delay, unit);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException closed) {
            return () -> false;
        }
    }

    /**
     * Stops the timer thread and waits, at most {@code timeoutMs}, for a running task to end and for the thread
     * itself to have ended.
     *
     * @return whether the thread ended in time
     */
    public boolean shutdown(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        executor.shutdownNow();
        try {
            executor.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return threads.join(deadline);
    }

    /** Stops the timer thread at once, without waiting. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
