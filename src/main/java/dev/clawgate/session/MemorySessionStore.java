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
 * Transcripts in the heap, bounded: at most {@code maxSessions} sessions (the least recently used goes first) and a
 * session unused for {@code idleTtlMs} is dropped ({@code gateway.state.maxSessions} [10000],
 * {@code gateway.state.idleTtlMs} [86400000 ms]). Lost at restart. Time comes from the injected {@link Clock}.
 */
public final class MemorySessionStore implements SessionStore {
    private final Clock clock;
    private final int maxSessions;
    private final long idleTtlMs;
    private final KeyedSequencer sequencer = new KeyedSequencer();
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(256, 0.75f, true);

    private record Entry(List<ChatMessage> messages, long lastUsedMs) {
    }

    public MemorySessionStore(Clock clock, int maxSessions, long idleTtlMs) {
        this.clock = clock;
        this.maxSessions = maxSessions;
        this.idleTtlMs = idleTtlMs;
    }

    @Override
    public CompletionStage<Lease> acquire(String key) {
        return sequencer.enter(key).thenApply(ticket -> new MemoryLease(key, ticket, read(key)));
    }

    private synchronized List<ChatMessage> read(String key) {
        long now = clock.millis();
        Entry e = sessions.get(key);
        if (e == null) {
            return List.of();
        }
        if (now - e.lastUsedMs >= idleTtlMs) {
            sessions.remove(key);
            return List.of();
        }
        return e.messages;
    }

    private synchronized void append(String key, List<ChatMessage> turn) {
        long now = clock.millis();
        Entry e = sessions.get(key);
        List<ChatMessage> merged = new ArrayList<>(e == null || now - e.lastUsedMs >= idleTtlMs ? 0
                : e.messages.size() + turn.size());
        if (e != null && now - e.lastUsedMs < idleTtlMs) {
            merged.addAll(e.messages);
        }
        merged.addAll(turn);
        sessions.put(key, new Entry(List.copyOf(merged), now));
        evict(now);
    }

    private void evict(long now) {
        Iterator<Map.Entry<String, Entry>> it = sessions.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Entry> oldest = it.next();
            if (sessions.size() > maxSessions || now - oldest.getValue().lastUsedMs >= idleTtlMs) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /** Sessions held now. */
    public synchronized int size() {
        return sessions.size();
    }

    @Override
    public synchronized void close() {
        sessions.clear();
    }

    private final class MemoryLease implements Lease {
        private final String key;
        private final KeyedSequencer.Ticket ticket;
        private final List<ChatMessage> transcript;

        MemoryLease(String key, KeyedSequencer.Ticket ticket, List<ChatMessage> transcript) {
            this.key = key;
            this.ticket = ticket;
            this.transcript = transcript;
        }

        @Override
        public List<ChatMessage> transcript() {
            return transcript;
        }

        @Override
        public void commit(List<ChatMessage> turn) {
            try {
                append(key, turn);
            } finally {
                ticket.leave();
            }
        }

        @Override
        public void release() {
            ticket.leave();
        }
    }
}
