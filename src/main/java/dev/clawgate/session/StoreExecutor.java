package dev.clawgate.session;

import dev.clawgate.time.OwnedThreads;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A session store's own threads: {@value #THREADS} daemon threads named {@code clawgate-store-N} (started on demand,
 * stopped after 30 s idle) with a queue of at most {@value #QUEUE} tasks; beyond that a task is refused
 * ({@link RejectedExecutionException}, or a failed future from {@link #supply}). File I/O, fsync, waiting for Redis
 * replies and the hand-off of a session to its next queued turn run here, never on a container, client-selector or
 * timer thread. {@link #close()} stops taking tasks, waits up to 5 s for the running ones, then up to 1 s more for
 * the threads themselves to have ended.
 */
final class StoreExecutor implements Executor, AutoCloseable {
    static final int THREADS = 2;
    static final int QUEUE = 10_000;
    /** Waiting for the threads to end once their tasks are done, at most, ms. */
    private static final long EXIT_WAIT_MS = 1_000;

    private final OwnedThreads threads = new OwnedThreads("clawgate-store", true);
    private final ThreadPoolExecutor pool;

    StoreExecutor() {
        pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                threads);
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Runs {@code work} here; the future fails at once when the queue is full or the store is closed. */
    <T> CompletableFuture<T> supply(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            return;
        }
        threads.join(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_WAIT_MS));
    }
}
