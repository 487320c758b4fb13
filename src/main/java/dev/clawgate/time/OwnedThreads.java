package dev.clawgate.time;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ThreadFactory} of daemon threads that remembers the threads it made, so that their owner can wait for
 * every one of them to end ({@link #join}) before an undeploy returns. An executor's
 * {@code awaitTermination} returns while its last worker is still on its way out; a container's leak detector
 * (Tomcat's "appears to have started a thread named [...] but has failed to stop it") checks
 * {@link Thread#isAlive()} right after, so only a join closes that race.
 */
public final class OwnedThreads implements ThreadFactory {
    private final String name;
    private final boolean numbered;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Thread> made = ConcurrentHashMap.newKeySet();

    /**
     * @param name     the threads' name, or its prefix when {@code numbered} ({@code name-1}, {@code name-2}, ...)
     * @param numbered whether each thread's name gets its sequence number
     */
    public OwnedThreads(String name, boolean numbered) {
        this.name = name;
        this.numbered = numbered;
    }

    @Override
    public Thread newThread(Runnable task) {
        made.removeIf(t -> t.getState() == Thread.State.TERMINATED);
        Thread t = new Thread(task, numbered ? name + "-" + next.incrementAndGet() : name);
        t.setDaemon(true);
        made.add(t);
        return t;
    }

    /**
     * Waits until every thread made here has ended, or until {@code deadlineNanos} on {@link System#nanoTime()}.
     *
     * @return whether they all ended
     */
    public boolean join(long deadlineNanos) {
        for (Thread t : made.toArray(Thread[]::new)) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 && t.isAlive()) {
                return false;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (t.isAlive()) {
                return false;
            }
            made.remove(t);
        }
        return true;
    }

    /** Threads made here that have not ended (tests, diagnostics). */
    public int alive() {
        return (int) made.stream().filter(Thread::isAlive).count();
    }
}
