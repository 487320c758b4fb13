package dev.clawgate.session;

import dev.clawgate.openai.ApiException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Orders work per key without holding threads: each {@link #enter} completes when every earlier holder of the key has
 * left. When a holder leaves, the next waiter is granted the key through the given executor, never inline on the
 * leaving thread, so a long queue of turns that each finish synchronously runs as a loop of tasks, not as a
 * recursion (no StackOverflowError, however many wait), and the key is never left held by a turn that failed to
 * start. At most {@code maxQueued} callers wait per key ({@code gateway.state.maxQueuedTurns} [32]); one more fails
 * at once with 429 {@code session_busy}. Memory is one entry per key with a holder or a waiter.
 */
public final class KeyedSequencer {
    private final Executor handoff;
    private final int maxQueued;
    private final ConcurrentHashMap<String, Line> lines = new ConcurrentHashMap<>();

    /** A key's holder and its waiters, changed only inside {@link ConcurrentHashMap#compute}. */
    private static final class Line {
        Ticket holder;
        final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
    }

    /**
     * @param handoff   where a waiter is granted the key (the store's own threads)
     * @param maxQueued most callers waiting per key, at least 0
     */
    public KeyedSequencer(Executor handoff, int maxQueued) {
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued must not be negative");
        }
        this.handoff = handoff;
        this.maxQueued = maxQueued;
    }

    /** A turn in the queue of one key; {@link #leave()} lets the next one in. Idempotent. */
    public final class Ticket {
        private final String key;
        private final CompletableFuture<Ticket> granted = new CompletableFuture<>();
        private final AtomicBoolean left = new AtomicBoolean();

        private Ticket(String key) {
            this.key = key;
        }

        public void leave() {
            if (left.compareAndSet(false, true)) {
                grant(advance(this));
            }
        }
    }

    /**
     * Queues behind the key's current holder; the stage completes with this caller's ticket when it is its turn (on
     * the hand-off executor when it had to wait), or fails with a 429 {@code session_busy} {@link ApiException} when
     * {@code maxQueued} callers already wait.
     */
    public CompletableFuture<Ticket> enter(String key) {
        Ticket ticket = new Ticket(key);
        boolean[] busy = new boolean[1];
        lines.compute(key, (k, line) -> {
            Line l = line == null ? new Line() : line;
            if (l.holder == null) {
                l.holder = ticket;
                ticket.granted.complete(ticket);
            } else if (l.waiting.size() >= maxQueued) {
                busy[0] = true;
            } else {
                l.waiting.addLast(ticket);
            }
            return l;
        });
        return busy[0] ? CompletableFuture.failedFuture(busy()) : ticket.granted;
    }

    /** This caller's ticket if nobody holds or waits for the key, else null; never waits. */
    public Ticket tryEnter(String key) {
        Ticket ticket = new Ticket(key);
        Line line = new Line();
        line.holder = ticket;
        return lines.putIfAbsent(key, line) == null ? ticket : null;
    }

    /** Callers waiting on {@code key} now (not counting the holder). */
    public int waiting(String key) {
        int[] n = new int[1];
        lines.computeIfPresent(key, (k, line) -> {
            n[0] = line.waiting.size();
            return line;
        });
        return n[0];
    }

    /** Makes the next waiter the holder (or frees the key) and returns it, null when none waits. */
    private Ticket advance(Ticket leaving) {
        Ticket[] next = new Ticket[1];
        lines.computeIfPresent(leaving.key, (k, line) -> {
            if (line.holder != leaving) {
                return line;
            }
            next[0] = line.waiting.pollFirst();
            line.holder = next[0];
            return next[0] == null ? null : line;
        });
        return next[0];
    }

    /** Grants the key to {@code next} on the executor; a refused hand-off fails that waiter and tries the one after. */
    private void grant(Ticket next) {
        while (next != null) {
            Ticket t = next;
            try {
                handoff.execute(() -> t.granted.complete(t));
                return;
            } catch (RejectedExecutionException e) {
                t.left.set(true);
                t.granted.completeExceptionally(e);
                next = advance(t);
            }
        }
    }

    private static ApiException busy() {
        return new ApiException(429, "rate_limit_error", null, "session_busy", "Too many requests are already "
                + "waiting on this session (gateway.state.maxQueuedTurns); retry when the earlier ones finish.", 1L);
    }
}
