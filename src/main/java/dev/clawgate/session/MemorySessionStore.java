package dev.clawgate.session;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Transcripts in the heap, bounded three ways: each session keeps at most {@code maxTranscriptMessages} messages and
 * {@code maxTranscriptBytes} bytes ({@link SessionLimits}; the oldest turns are dropped whole); all sessions together
 * keep at most {@code maxMemoryBytes} ({@code gateway.state.maxMemoryBytes} [64 MiB]) and {@code maxSessions}
 * ({@code gateway.state.maxSessions} [10000]) sessions — beyond either the least recently used sessions are dropped
 * whole. Bytes are counted in the stored form ({@link TurnRecords}: UTF-8 JSON); the heap holds about that plus
 * ~100 bytes per message. A session not used for {@code idleTtlMs} ({@code gateway.state.idleTtlMs}
 * [86400000 ms]) reads as empty and is dropped by the next write or {@link #prune()}. "Used" means acquired or
 * committed. Lost at restart. Time comes from the injected {@link Clock}.
 *
 * <p>Per session the store holds one immutable {@link Transcript} and its last-use time, nothing else: the per-key
 * queue lives in a {@link KeyedSequencer} only while a turn is running or waiting, and hands each waiting turn the
 * session on this store's own {@link StoreExecutor} threads. The map's monitor guards only in-memory work (no I/O),
 * so holding it on a container thread is harmless.
 */
public final class MemorySessionStore implements SessionStore {
    private final Clock clock;
    private final int maxSessions;
    private final long idleTtlMs;
    private final SessionLimits limits;
    private final StoreExecutor executor = new StoreExecutor();
    private final KeyedSequencer sequencer;
    private final TurnRecords records = new TurnRecords();
    /** In access order, so the head is the least recently used; every access refreshes {@code lastUsedMs}. */
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(256, 0.75f, true);
    /** Sum of the sessions' {@link Transcript#bytes()}. */
    private long totalBytes;

    private record Entry(Transcript transcript, long lastUsedMs) {
    }

    /**
     * @param clock       time source for the idle TTL
     * @param maxSessions sessions kept, at least 1
     * @param idleTtlMs   idle time after which a session is forgotten, milliseconds, at least 1
     * @param limits      transcript, memory and queue bounds
     */
    public MemorySessionStore(Clock clock, int maxSessions, long idleTtlMs, SessionLimits limits) {
        if (maxSessions < 1 || idleTtlMs < 1) {
            throw new IllegalArgumentException("maxSessions and idleTtlMs must be positive");
        }
        this.clock = clock;
        this.maxSessions = maxSessions;
        this.idleTtlMs = idleTtlMs;
        this.limits = limits;
        this.sequencer = new KeyedSequencer(executor, limits.maxQueuedTurns());
    }

    /** With {@link SessionLimits#DEFAULTS}. */
    public MemorySessionStore(Clock clock, int maxSessions, long idleTtlMs) {
        this(clock, maxSessions, idleTtlMs, SessionLimits.DEFAULTS);
    }

    @Override
    public CompletionStage<Lease> acquire(String key) {
        return sequencer.enter(key).thenApply(ticket -> new MemoryLease(key, ticket, read(key)));
    }

    @Override
    public CompletionStage<Boolean> delete(String key) {
        return sequencer.enter(key).thenApply(ticket -> {
            try {
                return forget(key);
            } finally {
                ticket.leave();
            }
        });
    }

    /** Removes {@code key}'s session; whether a live one was there. */
    private synchronized boolean forget(String key) {
        boolean live = live(key, clock.millis()) != null;
        remove(key);
        return live;
    }

    /** The live transcript of {@code key}, refreshing its last use; an expired one is dropped and reads empty. */
    private synchronized Transcript read(String key) {
        long now = clock.millis();
        Entry e = live(key, now);
        if (e == null) {
            return Transcript.EMPTY;
        }
        sessions.put(key, new Entry(e.transcript, now));
        return e.transcript;
    }

    private synchronized void store(String key, Transcript next) {
        long now = clock.millis();
        Entry old = sessions.put(key, new Entry(next, now));
        totalBytes += next.bytes() - (old == null ? 0 : old.transcript.bytes());
        evict(now);
    }

    /** The entry if present and not expired; an expired entry is removed. */
    private Entry live(String key, long now) {
        Entry e = sessions.get(key);
        if (e != null && expired(e, now)) {
            remove(key);
            return null;
        }
        return e;
    }

    private void remove(String key) {
        Entry e = sessions.remove(key);
        if (e != null) {
            totalBytes -= e.transcript.bytes();
        }
    }

    private boolean expired(Entry e, long now) {
        return now - e.lastUsedMs >= idleTtlMs;
    }

    /** Drops from the least recently used end while over a bound or expired. */
    private void evict(long now) {
        Iterator<Map.Entry<String, Entry>> it = sessions.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Entry> oldest = it.next();
            if (sessions.size() > maxSessions || totalBytes > limits.maxMemoryBytes()
                    || expired(oldest.getValue(), now)) {
                totalBytes -= oldest.getValue().transcript.bytes();
                it.remove();
            } else {
                break;
            }
        }
    }

    /** Drops every session idle for {@code idleTtlMs} or longer; cheap, never blocks on I/O. */
    @Override
    public synchronized void prune() {
        evict(clock.millis());
    }

    /** Sessions held now, expired ones not yet pruned included. */
    public synchronized int size() {
        return sessions.size();
    }

    /** Stored bytes of all sessions held now, as bounded by {@code maxMemoryBytes}. */
    public synchronized long bytes() {
        return totalBytes;
    }

    /** Stops the hand-off threads and forgets every session. */
    @Override
    public void close() {
        executor.close();
        synchronized (this) {
            sessions.clear();
            totalBytes = 0;
        }
    }

    /** This store's threads (for tests). */
    StoreExecutor executor() {
        return executor;
    }

    private final class MemoryLease extends SequencedLease {
        private final String key;

        MemoryLease(String key, KeyedSequencer.Ticket ticket, Transcript transcript) {
            super(ticket, transcript.fit(limits), limits, records);
            this.key = key;
        }

        /**
         * Stores the lease's transcript plus the turn. When the session was dropped meanwhile (TTL or LRU), what
         * the lease read is stored again with the turn: the session lives on as the turn's run saw it.
         */
        @Override
        CompletionStage<Void> write(Transcript next, byte[] record) {
            store(key, next);
            return CompletableFuture.completedFuture(null);
        }
    }
}
