package dev.clawgate.time;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on a fake clock for unit tests: time stands still until {@link #advance} moves it, and then the
 * tasks that fell due run on the calling thread, in due order, each seeing {@link #nanoTime()} at its due time. No
 * thread, no sleep.
 */
public final class FakeScheduler implements Scheduler {
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long now = 1_000_000_000L;
    private long seq;

    private final class Entry implements Comparable<Entry>, Task {
        final Runnable task;
        final long periodNanos;
        long due;
        final long order = seq++;
        boolean cancelled;

        Entry(Runnable task, long due, long periodNanos) {
            this.task = task;
            this.due = due;
            this.periodNanos = periodNanos;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(order, o.order);
        }

        @Override
        public boolean cancel() {
            synchronized (FakeScheduler.this) {
                boolean was = !cancelled && queue.contains(this);
                cancelled = true;
                queue.remove(this);
                return was;
            }
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Task schedule(Runnable task, long delay, TimeUnit unit) {
        Entry e = new Entry(task, now + Math.max(0, unit.toNanos(delay)), 0);
        queue.add(e);
        return e;
    }

    @Override
    public synchronized Task scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        Entry e = new Entry(task, now + Math.max(0, unit.toNanos(initialDelay)), Math.max(1, unit.toNanos(delay)));
        queue.add(e);
        return e;
    }

    /** Moves time forward by {@code amount}, running every task that falls due on the way. */
    public void advance(long amount, TimeUnit unit) {
        long target;
        synchronized (this) {
            target = now + unit.toNanos(amount);
        }
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = Math.max(now, next.due);
            }
            next.task.run();
            synchronized (this) {
                if (next.periodNanos > 0 && !next.cancelled) {
                    next.due = now + next.periodNanos;
                    queue.add(next);
                }
            }
        }
    }

    /** How many tasks are waiting. */
    public synchronized int pending() {
        return queue.size();
    }
}
