package dev.clawgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.RedisServer;
import dev.clawgate.cluster.RedisState;
import dev.clawgate.openai.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import dev.clawgate.time.SystemScheduler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions in a real redis-server of the test's own, seen by two stores as two nodes would. */
class RedisSessionStoreTest {
    static RedisServer server;
    static SystemScheduler scheduler;
    static RedisState nodeA;
    static RedisState nodeB;
    static RedisSessionStore storeA;
    static RedisSessionStore storeB;

    @BeforeAll
    static void start() throws Exception {
        server = RedisServer.start();
        scheduler = new SystemScheduler();
        nodeA = server.connect(scheduler);
        nodeB = server.connect(scheduler);
        storeA = new RedisSessionStore(nodeA, scheduler, 60_000, 30_000);
        storeB = new RedisSessionStore(nodeB, scheduler, 60_000, 30_000);
    }

    @AfterAll
    static void stop() throws Exception {
        storeA.close();
        storeB.close();
        nodeA.close();
        nodeB.close();
        scheduler.close();
        server.close();
    }

    static SessionStore.Lease lease(SessionStore store, String key) throws Exception {
        return store.acquire(key).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRecordRoundTripsThroughTheListEntryFormat() {
        List<ChatMessage> turn = List.of(ChatMessage.text("user", "héllo \"quoted\"\nline"),
                ChatMessage.text("assistant", "echo: héllo"));
        String entry = storeA.encode(turn);
        assertTrue(entry.startsWith("{\"len\":") && entry.endsWith("}\n"), entry);
        assertEquals(turn, storeA.decode(List.of(entry, storeA.encode(List.of()))));
        assertEquals(List.of(), storeA.decode(List.of("not a record")), "a damaged entry is left out");
    }

    @Test
    void aTurnCommittedOnOneNodeIsReadOnTheOtherUnderAHashedKeyWithTheIdleTtl() throws Exception {
        String key = "agent:main:user:alice-" + System.nanoTime();
        SessionStore.Lease first = lease(storeA, key);
        assertEquals(List.of(), first.transcript());
        List<ChatMessage> turn = List.of(ChatMessage.text("user", "a"), ChatMessage.text("assistant", "echo: a"));
        MemorySessionStoreTest.stored(first.commit(turn));
        SessionStore.Lease second = lease(storeB, key);
        assertEquals(turn, second.transcript());
        second.release();
        String list = RedisSessionStore.keyOf(key);
        assertFalse(list.contains("alice"), list);
        assertEquals(1L, nodeA.commands().llen(list).get(5, TimeUnit.SECONDS));
        long ttl = nodeA.commands().pttl(list).get(5, TimeUnit.SECONDS);
        assertTrue(ttl > 0 && ttl <= 60_000, "ttl " + ttl);
    }

    @Test
    void turnsOnOneSessionFromTwoNodesNeverInterleaveAndNoneIsLost() throws Exception {
        String key = "thread-" + System.nanoTime();
        List<CompletableFuture<Void>> turns = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RedisSessionStore store = i % 2 == 0 ? storeA : storeB;
            String text = "m" + i;
            turns.add(store.acquire(key).toCompletableFuture().thenCompose(lease -> lease.commit(List.of(
                    ChatMessage.text("user", text), ChatMessage.text("assistant", "echo: " + text)))));
        }
        CompletableFuture.allOf(turns.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        SessionStore.Lease last = lease(storeA, key);
        List<ChatMessage> transcript = last.transcript();
        last.release();
        assertEquals(20, transcript.size());
        for (int j = 0; j < transcript.size(); j += 2) {
            assertEquals("echo: " + transcript.get(j).text(), transcript.get(j + 1).text(), "turn " + j / 2);
        }
    }

    @Test
    void aReleasedLeaseStoresNothingAndLetsTheOtherNodeIn() throws Exception {
        String key = "released-" + System.nanoTime();
        SessionStore.Lease first = lease(storeA, key);
        CompletableFuture<SessionStore.Lease> waiting = storeB.acquire(key).toCompletableFuture();
        assertFalse(waiting.isDone());
        first.release();
        SessionStore.Lease second = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), second.transcript());
        second.release();
    }

    @Test
    void aCommitAfterTheLockWasLostStoresNothingAndFails() throws Exception {
        String key = "lost-" + System.nanoTime();
        SessionStore.Lease lease = lease(storeA, key);
        nodeA.commands().del(RedisSessionStore.keyOf(key) + ":lock").get(5, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class,
                () -> MemorySessionStoreTest.stored(lease.commit(List.of(ChatMessage.text("user", "x")))));
        assertEquals(0L, nodeA.commands().llen(RedisSessionStore.keyOf(key)).get(5, TimeUnit.SECONDS));
    }

    @Test
    void theListIsTrimmedInTheCommitScriptToTheMessageBound() throws Exception {
        RedisSessionStore bounded = new RedisSessionStore(nodeA, scheduler, 60_000, 30_000,
                new SessionLimits(20, 1 << 20, 64 << 20, 32));
        try {
            String key = "trim-" + System.nanoTime();
            for (int i = 0; i < 60; i++) {
                MemorySessionStoreTest.stored(lease(bounded, key).commit(List.of(ChatMessage.text("user", "t" + i),
                        ChatMessage.text("assistant", "ok"))));
                long length = nodeA.commands().llen(RedisSessionStore.keyOf(key)).get(5, TimeUnit.SECONDS);
                assertEquals(Math.min(i + 1, 10), length, "20 messages = 10 turns of 2");
            }
            SessionStore.Lease lease = lease(bounded, key);
            assertEquals(20, lease.transcript().size());
            assertEquals("t50", lease.transcript().get(0).text());
            lease.release();
        } finally {
            bounded.close();
        }
    }

    @Test
    void theListIsTrimmedToTheByteBoundDroppingOldestTurnsWhole() throws Exception {
        RedisSessionStore bounded = new RedisSessionStore(nodeA, scheduler, 60_000, 30_000,
                new SessionLimits(1000, 2048, 64 << 20, 32));
        try {
            String key = "bytes-" + System.nanoTime();
            for (int i = 0; i < 30; i++) {
                MemorySessionStoreTest.stored(lease(bounded, key).commit(List.of(
                        ChatMessage.text("user", i + "b".repeat(200)), ChatMessage.text("assistant", "ok"))));
            }
            List<String> entries = nodeA.commands().lrange(RedisSessionStore.keyOf(key), 0, -1)
                    .get(5, TimeUnit.SECONDS);
            assertTrue(entries.stream().mapToInt(String::length).sum() <= 2048);
            assertTrue(entries.size() >= 5, entries.size() + " turns kept");
            assertTrue(entries.get(entries.size() - 1).contains("29bbb"));
        } finally {
            bounded.close();
        }
    }

    @Test
    void aCommitNeverWaitsForRedisOnTheCallersThread() throws Exception {
        String key = "async-" + System.nanoTime();
        SessionStore.Lease lease = lease(storeA, key);
        java.util.concurrent.CountDownLatch release = FileSessionStoreTest.block(storeA.executor());
        CompletableFuture<Void> done;
        try {
            done = lease.commit(List.of(ChatMessage.text("user", "a"), ChatMessage.text("assistant", "b")))
                    .toCompletableFuture();
            assertFalse(done.isDone(), "the reply is handed to the store's threads, which are busy");
        } finally {
            release.countDown();
        }
        done.get(10, TimeUnit.SECONDS);
        assertEquals(1L, nodeA.commands().llen(RedisSessionStore.keyOf(key)).get(5, TimeUnit.SECONDS));
    }
}
