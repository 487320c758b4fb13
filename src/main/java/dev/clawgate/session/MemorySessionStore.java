package dev.clawgate.session;

import dev.clawgate.openai.ChatMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Transcripts in the heap, bounded: at most {@code maxSessions} sessions ({@code gateway.state.maxSessions}
 * [10000]; beyond it the least recently used session is dropped) and a session not used for {@code idleTtlMs}
 * ({@code gateway.state.idleTtlMs} [86400000 ms]) reads as empty and is dropped by the next write or
 * {@link #prune()}. "Used" means acquired or committed. Lost at restart. Time comes from the injected {@link Clock}.
 *
 * <p>Per session the store holds one immutable message list and its last-use time, nothing else: the per-key
 * queue lives in a {@link KeyedSequencer} only while a turn is running or waiting. The map's monitor guards only
 * in-memory work (no I/O), so holding it on a container thread is harmless.
 */
public final class MemorySessionStore implements SessionStore {
    private final Clock clock;
    private final int maxSessions;
    private final long idleTtlMs;
    private final KeyedSequencer sequencer = new KeyedSequencer();
    /** In access order, so the head is the least recently used; every access refreshes {@code lastUsedMs}. */
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(256, 0.75f, true);

    private record Entry(List<ChatMessage> messages, long lastUsedMs) {
    }

    /**
     * @param clock       time source for the idle TTL
     * @param maxSessions sessions kept, at least 1
     * @param idleTtlMs   idle time after which a session is forgotten, milliseconds, at least 1
     */
    public MemorySessionStore(Clock clock, int maxSessions, long idleTtlMs) {
        if (maxSessions < 1 || idleTtlMs < 1) {
            throw new IllegalArgumentException("maxSessions and idleTtlMs must be positive");
        }
        this.clock = clock;
        this.maxSessions = maxSessions;
        this.idleTtlMs = idleTtlMs;
    }

    @Override
    public CompletionStage<Lease> acquire(String key) {
        return sequencer.enter(key).thenApply(ticket -> new MemoryLease(key, ticket, read(key)));
    }

    /** The live transcript of {@code key}, refreshing its last use; an expired one is dropped and reads empty. */
    private synchronized List<ChatMessage> read(String key) {
        long now = clock.millis();
        Entry e = live(key, now);
        if (e == null) {
            return List.of();
        }
        sessions.put(key, new Entry(e.messages, now));
        return e.messages;
    }

    private synchronized void append(String key, List<ChatMessage> turn) {
        long now = clock.millis();
        Entry e = live(key, now);
        List<ChatMessage> merged = new ArrayList<>((e == null ? 0 : e.messages.size()) + turn.size());
        if (e != null) {
            merged.addAll(e.messages);
        }
        merged.addAll(turn);
        sessions.put(key, new Entry(List.copyOf(merged), now));
        evict(now);
    }

    /** The entry if present and not expired; an expired entry is removed. */
    private Entry live(String key, long now) {
        Entry e = sessions.get(key);
        if (e != null && expired(e, now)) {
            sessions.remove(key);
            return null;
        }
        return e;
    }

    private boolean expired(Entry e, long now) {
        return now - e.lastUsedMs >= idleTtlMs;
    }

    /** Drops from the least recently used end while over the bound or expired. */
    private void evict(long now) {
        Iterator<Map.Entry<String, Entry>> it = sessions.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Entry> oldest = it.next();
            if (sessions.size() > maxSessions || expired(oldest.getValue(), now)) {
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

    @Override
    public synchronized void close() {
        sessions.clear();
    }

    private final class MemoryLease extends SequencedLease {
        private final String key;

        MemoryLease(String key, KeyedSequencer.Ticket ticket, List<ChatMessage> transcript) {
            super(ticket, transcript);
            this.key = key;
        }

        @Override
        void write(List<ChatMessage> turn) {
            append(key, turn);
        }
    }
}
