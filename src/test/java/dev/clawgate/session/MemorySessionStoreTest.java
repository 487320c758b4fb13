package dev.clawgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import dev.clawgate.openai.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemorySessionStoreTest {
    static final long TTL = 60_000;
    final FakeClock clock = new FakeClock();

    static List<ChatMessage> turn(String text) {
        return List.of(ChatMessage.text("user", text), ChatMessage.text("assistant", "echo: " + text));
    }

    static SessionStore.Lease lease(SessionStore store, String key) throws Exception {
        return store.acquire(key).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static void commit(SessionStore store, String key, String text) throws Exception {
        lease(store, key).commit(turn(text));
    }

    static List<String> texts(SessionStore store, String key) throws Exception {
        SessionStore.Lease lease = lease(store, key);
        try {
            return lease.transcript().stream().map(ChatMessage::text).toList();
        } finally {
            lease.release();
        }
    }

    @Test
    void committedTurnsAreReadBackInOrder() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL);
        commit(store, "k", "one");
        commit(store, "k", "two");
        assertEquals(List.of("one", "echo: one", "two", "echo: two"), texts(store, "k"));
    }

    @Test
    void releasedLeaseChangesNothingAndCommitAfterReleaseIsIgnored() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL);
        SessionStore.Lease lease = lease(store, "k");
        lease.release();
        lease.commit(turn("late"));
        assertEquals(List.of(), texts(store, "k"));
        assertEquals(0, store.size());
    }

    @Test
    void sessionIdleForTheTtlReadsEmpty() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL);
        commit(store, "k", "one");
        clock.advanceMs(TTL - 1);
        assertEquals(2, texts(store, "k").size());
        clock.advanceMs(TTL);
        assertEquals(List.of(), texts(store, "k"));
    }

    @Test
    void readingASessionKeepsItAlive() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL);
        commit(store, "k", "one");
        for (int i = 0; i < 5; i++) {
            clock.advanceMs(TTL / 2);
            assertEquals(2, texts(store, "k").size());
        }
    }

    @Test
    void expiredSessionsAreDroppedByPruneEvenIfNeverTouchedAgain() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL);
        commit(store, "a", "one");
        clock.advanceMs(TTL / 2);
        commit(store, "b", "two");
        clock.advanceMs(TTL / 2);
        store.prune();
        assertEquals(1, store.size());
        clock.advanceMs(TTL / 2);
        store.prune();
        assertEquals(0, store.size());
    }

    @Test
    void expiredSessionsAreDroppedByTheNextWriteToAnyOtherSession() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL);
        commit(store, "a", "one");
        commit(store, "b", "two");
        clock.advanceMs(TTL);
        commit(store, "c", "three");
        assertEquals(1, store.size());
    }

    @Test
    void leastRecentlyUsedSessionIsEvictedFirst() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 2, TTL);
        commit(store, "a", "one");
        clock.advanceMs(1);
        commit(store, "b", "two");
        clock.advanceMs(1);
        texts(store, "a");
        clock.advanceMs(1);
        commit(store, "c", "three");
        assertEquals(2, store.size());
        assertEquals(List.of(), texts(store, "b"));
        assertEquals(List.of("one", "echo: one"), texts(store, "a"));
    }

    @Test
    void sessionCountNeverExceedsTheBound() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 3, TTL);
        for (int i = 0; i < 20; i++) {
            commit(store, "k" + i, "t" + i);
            assertTrue(store.size() <= 3);
        }
        assertEquals(3, store.size());
        assertEquals(List.of("t19", "echo: t19"), texts(store, "k19"));
    }

    @Test
    void secondLeaseOnAKeyIsGrantedOnlyWhenTheFirstEndsAndSeesItsTurn() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL);
        SessionStore.Lease first = lease(store, "k");
        CompletableFuture<SessionStore.Lease> second = store.acquire("k").toCompletableFuture();
        CompletableFuture<SessionStore.Lease> other = store.acquire("other").toCompletableFuture();
        assertFalse(second.isDone());
        assertTrue(other.isDone());
        first.commit(turn("one"));
        assertEquals(2, second.get(5, TimeUnit.SECONDS).transcript().size());
    }
}
