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
        stored(lease(store, key).commit(turn(text)));
    }

    /** Waits for a commit's stage; rethrows its failure's cause. */
    static void stored(java.util.concurrent.CompletionStage<Void> commit) throws Exception {
        try {
            commit.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
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
        stored(first.commit(turn("one")));
        assertEquals(2, second.get(5, TimeUnit.SECONDS).transcript().size());
    }

    /** Queues {@code n} turns on one key behind a held lease; each commits at once when granted, as echo does. */
    static List<String> queueAndRun(SessionStore store, int n) throws Exception {
        SessionStore.Lease first = lease(store, "k");
        List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String text = "t" + i;
            all.add(store.acquire("k").toCompletableFuture().thenCompose(lease -> {
                order.add(text);
                return lease.commit(List.of(ChatMessage.text("user", text), ChatMessage.text("assistant", "ok")));
            }));
        }
        first.release();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return order;
    }

    @Test
    void fiveThousandTurnsQueuedOnOneKeyCompleteInOrderWithoutStackOverflowAndFreeTheKey() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL, new SessionLimits(1000, 1 << 20,
                64 << 20, 5_000));
        try {
            List<String> order = queueAndRun(store, 5_000);
            assertEquals(java.util.stream.IntStream.range(0, 5_000).mapToObj(i -> "t" + i).toList(), order);
            SessionStore.Lease after = lease(store, "k");
            assertEquals("t4999", after.transcript().get(after.transcript().size() - 2).text());
            after.release();
        } finally {
            store.close();
        }
    }

    @Test
    void aSessionKeepsAtMostTheDefaultThousandMessagesDroppingTheOldestTurnsWhole() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL);
        for (int i = 0; i < 600; i++) {
            commit(store, "k", "t" + i);
        }
        List<String> texts = texts(store, "k");
        assertEquals(1000, texts.size());
        assertEquals("t100", texts.get(0), "turns 0..99 dropped whole, the user message never without its reply");
        assertEquals("echo: t599", texts.get(999));
    }

    @Test
    void aSessionKeepsAtMostTheDefaultMebibyteDroppingTheOldestTurnsWhole() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10, TTL);
        String big = "x".repeat(100_000);
        for (int i = 0; i < 30; i++) {
            commit(store, "k", i + big);
        }
        List<String> texts = texts(store, "k");
        long chars = texts.stream().mapToLong(String::length).sum();
        assertTrue(chars <= 1_048_576, chars + " chars kept");
        assertTrue(texts.size() >= 8, "as many newest turns as fit: " + texts.size());
        assertTrue(texts.get(texts.size() - 2).startsWith("29x"));
    }

    @Test
    void manySessionsOfLargeTurnsStayUnderTheDefaultMemoryBound() throws Exception {
        MemorySessionStore store = new MemorySessionStore(clock, 10_000, TTL);
        String big = "y".repeat(450_000); // a turn of ~900 KB: user message and its echo
        for (int i = 0; i < 100; i++) {
            commit(store, "k" + i, big);
        }
        assertTrue(store.size() * 900_000L <= 64L * 1024 * 1024, store.size() + " sessions kept");
        assertTrue(store.size() >= 60, store.size() + " sessions kept");
        assertEquals(2, texts(store, "k99").size(), "the newest session is kept");
        assertEquals(List.of(), texts(store, "k0"), "the least recently used went first");
    }
}
