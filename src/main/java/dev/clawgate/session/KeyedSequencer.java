package dev.clawgate.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Orders work per key without holding threads: each {@link #enter} completes when the previous holder of the key has
 * left. Memory is one entry per key with a holder or a waiter.
 */
public final class KeyedSequencer {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /** A turn in the queue of one key; {@link #leave()} lets the next one in. Idempotent. */
    public final class Ticket {
        private final String key;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final AtomicBoolean left = new AtomicBoolean();

        private Ticket(String key) {
            this.key = key;
        }

        public void leave() {
            if (left.compareAndSet(false, true)) {
                tails.remove(key, done);
                done.complete(null);
            }
        }
    }

    /** Queues behind the key's current holder; the stage completes with this caller's ticket when it is its turn. */
    public CompletableFuture<Ticket> enter(String key) {
        Ticket ticket = new Ticket(key);
        CompletableFuture<Void>[] previous = new CompletableFuture[1];
        tails.compute(key, (k, prev) -> {
            previous[0] = prev;
            return ticket.done;
        });
        if (previous[0] == null) {
            return CompletableFuture.completedFuture(ticket);
        }
        return previous[0].thenApply(v -> ticket);
    }

    /** This caller's ticket if nobody holds or waits for the key, else null; never waits. */
    public Ticket tryEnter(String key) {
        Ticket ticket = new Ticket(key);
        return tails.putIfAbsent(key, ticket.done) == null ? ticket : null;
    }
}
