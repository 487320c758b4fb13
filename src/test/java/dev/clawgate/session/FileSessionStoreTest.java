package dev.clawgate.session;

import static dev.clawgate.session.MemorySessionStoreTest.commit;
import static dev.clawgate.session.MemorySessionStoreTest.lease;
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
        lease(open(), KEY).commit(richTurn());
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
        busy.commit(turn("two"));
        assertEquals(List.of("two", "echo: two"), texts(store, KEY));
    }

    @Test
    void turnCommittedAfterItsFileWasPrunedStartsTheSessionAfresh() throws Exception {
        FileSessionStore store = open();
        commit(store, KEY, "one");
        SessionStore.Lease lease = lease(store, KEY);
        clock.advanceMs(TTL);
        Files.delete(store.fileOf(KEY));
        lease.commit(turn("two"));
        assertEquals(List.of("two", "echo: two"), texts(store, KEY));
    }

    @Test
    void failedCommitThrowsStoresNothingAndStillEndsTheLease() throws Exception {
        FileSessionStore store = open();
        SessionStore.Lease lease = lease(store, KEY);
        Files.createDirectory(store.fileOf(KEY));
        org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> lease.commit(turn("lost")));
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
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("clawgate-sessions-") && t.isAlive()));
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
}
