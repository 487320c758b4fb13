package dev.clawgate;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits for a state that another process reaches in its own time (a replica in sync, a failover done): asks a probe
 * every {@link #INTERVAL_MS} ms on a timer thread of its own until it answers, and gives up at a deadline with an
 * {@link AssertionError} naming what was awaited and the probe's last failure. The caller's thread only waits on a
 * future; nothing sleeps.
 */
public final class Poll {
    /** Pause between two probes, ms. */
    public static final long INTERVAL_MS = 50;

    private Poll() {
    }

    /**
     * @param what     what is awaited, for the failure message
     * @param deadline longest wait
     * @param probe    answers null (or throws) while the state is not reached, else the value to return
     * @return the probe's first non-null answer
     */
    public static <T> T until(String what, Duration deadline, Callable<T> probe) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-poll");
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<T> reached = new CompletableFuture<>();
        AtomicReference<Throwable> last = new AtomicReference<>();
        timer.scheduleWithFixedDelay(() -> {
            try {
                T answer = probe.call();
                if (answer != null) {
                    reached.complete(answer);
                }
            } catch (Exception | AssertionError e) {
                last.set(e);
            }
        }, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
        try {
            return reached.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            AssertionError failure = new AssertionError(what + ": not reached within " + deadline.toSeconds() + " s"
                    + (last.get() == null ? "" : " (last probe: " + last.get() + ")"));
            if (last.get() != null) {
                failure.addSuppressed(last.get());
            }
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": " + e.getCause(), e.getCause());
        } finally {
            timer.shutdownNow();
        }
    }

    /** {@link #until} for a condition: returns once it holds. */
    public static void untilTrue(String what, Duration deadline, java.util.function.BooleanSupplier condition) {
        until(what, deadline, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }
}
