package dev.clawgate.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The production timer stops for good: its thread has ended when shutdown returns, and late tasks are dropped. */
class SystemSchedulerTest {
    @Test
    void shutdownReturnsOnlyOnceTheTimerThreadHasEnded() throws Exception {
        SystemScheduler scheduler = new SystemScheduler("test-timer");
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        scheduler.schedule(() -> ran.complete(Thread.currentThread()), 0, TimeUnit.MILLISECONDS);
        Thread timer = ran.get(5, TimeUnit.SECONDS);
        scheduler.close();
        assertTrue(scheduler.shutdown(5_000));
        assertFalse(timer.isAlive(), "the thread a container's leak detector would find");
    }

    @Test
    void shutdownWaitsForTheRunningTaskWithinItsBound() throws Exception {
        SystemScheduler scheduler = new SystemScheduler("test-timer");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scheduler.schedule(() -> {
            running.countDown();
            try {
                release.await(); // interrupted by shutdownNow
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0, TimeUnit.MILLISECONDS);
        assertTrue(running.await(5, TimeUnit.SECONDS));
        assertTrue(scheduler.shutdown(5_000), "an interruptible task ends when shutdown interrupts it");
    }

    @Test
    void aTaskScheduledAfterCloseIsDroppedInsteadOfThrowing() {
        SystemScheduler scheduler = new SystemScheduler("test-timer");
        scheduler.close();
        Scheduler.Task task = scheduler.schedule(() -> { }, 1, TimeUnit.MILLISECONDS);
        assertFalse(task.cancel());
        assertFalse(scheduler.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.MILLISECONDS).cancel());
        assertTrue(scheduler.shutdown(5_000));
    }

    @Test
    void ownedThreadsReportsAThreadThatOutlivesTheDeadline() throws Exception {
        OwnedThreads threads = new OwnedThreads("owned", true);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = threads.newThread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals("owned-1", t.getName());
        assertTrue(t.isDaemon());
        t.start();
        assertFalse(threads.join(System.nanoTime()), "still running at the deadline");
        assertEquals(1, threads.alive());
        release.countDown();
        assertTrue(threads.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
        assertEquals(0, threads.alive());
    }
}
