package dev.clawgate.session;

import static dev.clawgate.session.MemorySessionStoreTest.commit;
import static dev.clawgate.session.MemorySessionStoreTest.lease;
import static dev.clawgate.session.MemorySessionStoreTest.stored;
import static dev.clawgate.session.MemorySessionStoreTest.texts;
import static dev.clawgate.session.MemorySessionStoreTest.turn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ToolCall;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSessionStoreTest {
    static final long TTL = 60_000;
    static final String KEY = "agent:main:openai-user:alice";

    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock();
    final List<FileSessionStore> opened = new ArrayList<>();

    FileSessionStore open() {
        FileSessionStore store = new FileSessionStore(dir, clock, TTL);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(FileSessionStore::close);
    }

    static List<ChatMessage> richTurn() {
        return List.of(
                new ChatMessage("user", Json.createValue("what's the weather?\nin \"Paris\" ☀"), "alice", null, null),
                new ChatMessage("user", Json.createReader(new StringReader("[{\"type\":\"text\",\"text\":\"look\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]"))
                        .readArray(), null, null, null),
                new ChatMessage("assistant", null, null, null,
                        List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))),
                new ChatMessage("tool", Json.createValue("sunny"), null, "call_1", null),
                ChatMessage.text("assistant", "It is sunny."));
    }

    static String json(List<ChatMessage> messages) {
        StringBuilder b = new StringBuilder();
        messages.forEach(m -> m.appendJson(b).append('\n'));
        return b.toString();
    }

    @Test
    void aNewStoreOverTheSameDirectoryReadsEveryFieldBack() throws Exception {
        stored(lease(open(), KEY).commit(richTurn()));
        List<ChatMessage> back = lease(open(), KEY).transcript();
        assertEquals(json(richTurn()), json(back));
        for (int i = 0; i < back.size(); i++) {
            assertTrue(back.get(i).sameTurnAs(richTurn().get(i)), "message " + i);
        }
    }

    @Test
    void fileIsNamedBySha256OfTheKeyAndNeverHoldsTheKey() throws Exception {
        commit(open(), KEY, "hi");
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(KEY.getBytes(StandardCharsets.UTF_8)));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(hex + ".jsonl"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertFalse(Files.readString(dir.resolve(hex + ".jsonl")).contains("alice"));
    }

    @Test
    void eachTurnIsOneJsonLineWithItsLengthAndCrc32() throws Exception {
        FileSessionStore store = open();
        commit(store, KEY, "one");
        commit(store, KEY, "two");
        List<String> lines = Files.readAllLines(store.fileOf(KEY));
        assertEquals(2, lines.size());
        for (String line : lines) {
            JsonObject record = Json.createReader(new StringReader(line)).readObject();
            byte[] payload = record.getJsonArray("turn").toString().getBytes(StandardCharsets.UTF_8);
            assertEquals(payload.length, record.getInt("len"));
            CRC32 crc = new CRC32();
            crc.update(payload);
            assertEquals(String.format("%08x", crc.getValue()), record.getString("crc32"));
            assertTrue(line.startsWith("{\"len\":"));
        }
    }

    @Test
    void tornLastRecordIsIgnoredAndTruncatedBeforeTheNextAppend() throws Exception {
        FileSessionStore store = open();
        commit(store, KEY, "one");
        commit(store, KEY, "two");
        Path file = store.fileOf(KEY);
        byte[] whole = Files.readAllBytes(file);
        byte[] torn = java.util.Arrays.copyOf(whole, whole.length - 7);
        Files.write(file, torn);

        FileSessionStore restarted = open();
        assertEquals(List.of("one", "echo: one"), texts(restarted, KEY));
        commit(restarted, KEY, "three");
        assertEquals(List.of("one", "echo: one", "three", "echo: three"), texts(open(), KEY));
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertTrue(Files.readString(file).endsWith("\n"));
    }

    @Test
    void recordWithAFlippedByteIsIgnoredWithEverythingAfterIt() throws Exception {
        FileSessionStore store = open();
        commit(store, KEY, "one");
        long firstLength = Files.size(store.fileOf(KEY));
        commit(store, KEY, "two");
        commit(store, KEY, "three");
        byte[] bytes = Files.readAllBytes(store.fileOf(KEY));
        int inSecondPayload = (int) firstLength + 40;
        bytes[inSecondPayload] ^= 0x01;
        Files.write(store.fileOf(KEY), bytes);
        assertEquals(List.of("one", "echo: one"), texts(open(), KEY));
    }

    @Test
    void garbageAfterTheLastRecordIsIgnored() throws Exception {
        FileSessionStore store = open();
        commit(store, KEY, "one");
        byte[] before = Files.readAllBytes(store.fileOf(KEY));
        byte[] garbage = "{\"len\":99999,\"crc32\":\"00000000\",\"turn\":[".getBytes(StandardCharsets.US_ASCII);
        Files.write(store.fileOf(KEY), garbage, java.nio.file.StandardOpenOption.APPEND);
        FileSessionStore restarted = open();
        assertEquals(List.of("one", "echo: one"), texts(restarted, KEY));
        lease(restarted, KEY).release();
        assertEquals(before.length + garbage.length, Files.size(store.fileOf(KEY)), "a read alone never writes");
        commit(restarted, KEY, "two");
        assertEquals(4, texts(open(), KEY).size());
    }

    @Test
    void sessionIdleForTheTtlReadsEmptyAndItsFileIsDeleted() throws Exception {
        FileSessionStore store = open();
        commit(store, KEY, "one");
        clock.advanceMs(TTL - 1);
        assertEquals(2, texts(store, KEY).size());
        clock.advanceMs(1);
        assertEquals(List.of(), texts(store, KEY));
        assertFalse(Files.exists(store.fileOf(KEY)));
    }

    @Test
    void pruneDeletesExpiredFilesThatAreNeverTouchedAgain() throws Exception {
        FileSessionStore store = open();
        commit(store, "a", "one");
        clock.advanceMs(TTL / 2);
        commit(store, "b", "two");
        clock.advanceMs(TTL / 2);
        assertEquals(1, store.pruneNow());
        assertFalse(Files.exists(store.fileOf("a")));
        assertTrue(Files.exists(store.fileOf("b")));
    }

    @Test
    void pruneLeavesASessionInUseAlone() throws Exception {
        FileSessionStore store = open();
        commit(store, KEY, "one");
        clock.advanceMs(TTL);
        SessionStore.Lease busy = store.acquire(KEY).toCompletableFuture().get();
        commit(store, "other", "x");
        assertEquals(0, store.pruneNow());
        stored(busy.commit(turn("two")));
        assertEquals(List.of("two", "echo: two"), texts(store, KEY));
    }

    @Test
    void turnCommittedAfterItsFileWasPrunedStartsTheSessionAfresh() throws Exception {
        FileSessionStore store = open();
        commit(store, KEY, "one");
        SessionStore.Lease lease = lease(store, KEY);
        clock.advanceMs(TTL);
        Files.delete(store.fileOf(KEY));
        stored(lease.commit(turn("two")));
        assertEquals(List.of("two", "echo: two"), texts(store, KEY));
    }

    @Test
    void failedCommitFailsItsStageStoresNothingAndStillEndsTheLease() throws Exception {
        FileSessionStore store = open();
        SessionStore.Lease lease = lease(store, KEY);
        Files.createDirectory(store.fileOf(KEY));
        org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> stored(lease.commit(turn("lost"))));
        Files.delete(store.fileOf(KEY));
        assertEquals(List.of(), texts(store, KEY));
    }

    @Test
    void unreadableSessionFailsTheAcquireAndFreesTheKey() throws Exception {
        FileSessionStore store = open();
        Files.createDirectory(store.fileOf(KEY));
        java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> store.acquire(KEY).toCompletableFuture().get());
        assertTrue(failed.getCause() instanceof java.io.UncheckedIOException, failed.getCause().toString());
        Files.delete(store.fileOf(KEY));
        commit(store, KEY, "after");
        assertEquals(2, texts(store, KEY).size());
    }

    @Test
    void releasedLeaseWritesNothing() throws Exception {
        lease(open(), KEY).release();
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void healthyOnlyWhileTheDirectoryExists() throws Exception {
        FileSessionStore store = open();
        assertTrue(store.healthy());
        Files.delete(dir);
        assertFalse(store.healthy());
    }

    @Test
    void closeStopsTheStoresThreads() throws Exception {
        FileSessionStore store = open();
        commit(store, KEY, "one");
        store.close();
        // a terminated pool's workers may still be on their way out: join them (bounded) before looking
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("clawgate-store-")) {
                t.join(5_000);
            }
        }
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("clawgate-store-") && t.isAlive()));
    }

    @Test
    void encodedRecordDecodesToTheSameMessages() {
        TurnRecords records = new TurnRecords();
        byte[] one = records.encode(richTurn());
        TurnRecords.Decoded d = records.decode(one);
        assertEquals(one.length, d.validLength());
        assertEquals(json(richTurn()), json(d.messages()));
        assertArrayEquals(one, records.encode(d.messages()));
    }

    FileSessionStore open(SessionLimits limits) {
        FileSessionStore store = new FileSessionStore(dir, clock, TTL, limits);
        opened.add(store);
        return store;
    }

    @Test
    void theFileIsCompactedSoItHoldsAtMostTwiceTheMessageBoundAndReadsBackTheNewestTurns() throws Exception {
        SessionLimits limits = new SessionLimits(100, 1 << 20, 64 << 20, 32);
        FileSessionStore store = open(limits);
        for (int i = 0; i < 120; i++) {
            commit(store, KEY, "t" + i);
            long records = Files.readAllLines(store.fileOf(KEY)).size();
            assertTrue(records <= 100, records + " records on disk after turn " + i);
        }
        List<String> texts = texts(open(limits), KEY);
        assertEquals(100, texts.size());
        assertEquals("t70", texts.get(0));
        assertEquals("echo: t119", texts.get(99));
    }

    @Test
    void theFileIsCompactedByBytesAndAReadLoadsAtMostThreeTimesTheByteBound() throws Exception {
        SessionLimits limits = new SessionLimits(1000, 4096, 64 << 20, 32);
        FileSessionStore store = open(limits);
        for (int i = 0; i < 50; i++) {
            commit(store, KEY, i + "z".repeat(500));
            assertTrue(Files.size(store.fileOf(KEY)) <= 2 * 4096, Files.size(store.fileOf(KEY)) + " bytes");
        }
        List<String> texts = texts(store, KEY);
        assertTrue(texts.size() >= 6 && texts.size() % 2 == 0, texts.size() + " messages");
        assertTrue(texts.get(texts.size() - 2).startsWith("49z"));
        // a file from before the bound existed: far larger than it; only its tail is read, then it is compacted
        byte[] old = Files.readAllBytes(store.fileOf(KEY));
        try (var out = Files.newOutputStream(store.fileOf(KEY), java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < 40; i++) {
                out.write(old);
            }
        }
        List<String> tail = texts(store, KEY);
        assertEquals(texts, tail, "the newest turns within the bound, read from the tail");
        commit(store, KEY, "after");
        assertTrue(Files.size(store.fileOf(KEY)) <= 4096, "compacted: " + Files.size(store.fileOf(KEY)));
        assertEquals("echo: after", texts(open(limits), KEY).get(texts(store, KEY).size() - 1));
    }

    @Test
    void aTurnTooLargeForTheBoundIsNotStoredAndLeavesTheSessionAsItWas() throws Exception {
        FileSessionStore store = open(new SessionLimits(1000, 2048, 64 << 20, 32));
        commit(store, KEY, "small");
        commit(store, KEY, "w".repeat(3000));
        assertEquals(List.of("small", "echo: small"), texts(store, KEY));
    }

    @Test
    void fiveHundredTurnsQueuedOnOneKeyCompleteInOrderWithoutStackOverflow() throws Exception {
        List<String> order = MemorySessionStoreTest.queueAndRun(open(new SessionLimits(1000, 1 << 20, 64 << 20,
                500)), 500);
        assertEquals(java.util.stream.IntStream.range(0, 500).mapToObj(i -> "t" + i).toList(), order);
        assertEquals(1000, texts(open(), "k").size());
    }

    /** Occupies every thread of {@code executor} until the returned latch is counted down. */
    static java.util.concurrent.CountDownLatch block(StoreExecutor executor) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(StoreExecutor.THREADS);
        for (int i = 0; i < StoreExecutor.THREADS; i++) {
            executor.execute(() -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        busy.await(10, TimeUnit.SECONDS);
        return release;
    }

    @Test
    void aCommitWritesAndForcesOnTheStoresThreadsNeverOnTheCallers() throws Exception {
        FileSessionStore store = open();
        SessionStore.Lease lease = lease(store, KEY);
        java.util.concurrent.CountDownLatch release = block(store.executor());
        java.util.concurrent.CompletableFuture<Void> done = lease.commit(turn("one")).toCompletableFuture();
        assertFalse(done.isDone(), "commit returned before any I/O");
        assertFalse(Files.exists(store.fileOf(KEY)), "the caller wrote nothing");
        release.countDown();
        done.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("one", "echo: one"), texts(store, KEY));
    }
}
