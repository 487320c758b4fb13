package dev.clawgate.time;

import java.util.concurrent.TimeUnit;

/**
 * Runs short tasks later, on the gateway's one timer: heartbeats, upstream silence checks, echo pacing, Redis lock
 * retries and renewals, the session sweep, the access-log flush and the Redis health PING. Tasks must return at
 * once and never block. It is also the {@link Ticker} its delays are measured on, so a fake scheduler in a test
 * moves time and runs what fell due in one step. Production: {@link SystemScheduler}; after it has been shut down
 * every method throws {@link java.util.concurrent.RejectedExecutionException}.
 */
public interface Scheduler extends Ticker {
    /** Runs {@code task} once, {@code delay} from now (0 or less: as soon as possible). */
    Task schedule(Runnable task, long delay, TimeUnit unit);

    /** Runs {@code task} {@code initialDelay} from now, then again {@code delay} after each run ends. */
    Task scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit);

    /** A scheduled task. */
    interface Task {
        /** Stops the task if it has not run (a periodic one: stops its next runs); false when it could not. */
        boolean cancel();
    }
}
