package dev.clawgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import dev.clawgate.config.ConfigException;
import dev.clawgate.config.ConfigLoader;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.time.FakeScheduler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys file poller on a fake scheduler, reading on the calling thread: reloads, refusals, one log line each. */
class KeysFileWatcherTest {
    static final String DIGEST_A = sha256("key-a");
    static final String DIGEST_B = sha256("key-b");

    @TempDir
    Path dir;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(KeysFileWatcher.class.getName());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                warnings.add(r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String entry(String name, String digest) {
        return "\"" + name + "\":{\"sha256\":\"" + digest + "\",\"agents\":[\"main\"]}";
    }

    @BeforeEach
    void capture() {
        logger.addHandler(handler);
    }

    @AfterEach
    void release() {
        logger.removeHandler(handler);
    }

    private GatewayConfig config(Path file) {
        return new ConfigLoader(Map.of(), Map.of("gateway.auth.keysFile", file.toString(),
                "gateway.auth.keysFile.pollMs", "2000", "gateway.auth.token", "operator-secret-0123456789abcdef"),
                n -> null).load();
    }

    @Test
    void aChangedFileReplacesTheKeysOnTheNextPoll() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.json"), "{\"keys\":{" + entry("a", DIGEST_A) + "}}");
        GatewayConfig config = config(file);
        CallerDirectory callers = new CallerDirectory(config.access(), new FakeClock());
        FakeScheduler scheduler = new FakeScheduler();
        try (KeysFileWatcher watcher = new KeysFileWatcher(config, callers, Runnable::run)) {
            watcher.start(scheduler);
            assertNotNull(callers.forKeyDigest(DIGEST_A));
            Files.writeString(file, "{\"keys\":{" + entry("b", DIGEST_B) + "}}");
            scheduler.advance(1999, TimeUnit.MILLISECONDS);
            assertNotNull(callers.forKeyDigest(DIGEST_A), "not before the poll");
            scheduler.advance(1, TimeUnit.MILLISECONDS);
            assertNull(callers.forKeyDigest(DIGEST_A));
            assertEquals("b", callers.forKeyDigest(DIGEST_B).name());
        }
    }

    @Test
    void aBadFileKeepsThePreviousKeysAndLogsOneLineWithoutADigest() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.json"), "{\"keys\":{" + entry("a", DIGEST_A) + "}}");
        GatewayConfig config = config(file);
        CallerDirectory callers = new CallerDirectory(config.access(), new FakeClock());
        FakeScheduler scheduler = new FakeScheduler();
        try (KeysFileWatcher watcher = new KeysFileWatcher(config, callers, Runnable::run)) {
            watcher.start(scheduler);
            // two keys with one digest, and an agent that does not exist: refused whole
            Files.writeString(file, "{\"keys\":{" + entry("a", DIGEST_A) + "," + entry("b", DIGEST_A) + "}}");
            scheduler.advance(2, TimeUnit.SECONDS);
            scheduler.advance(2, TimeUnit.SECONDS);
            assertNotNull(callers.forKeyDigest(DIGEST_A));
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("gateway.auth.keys.b.sha256"), warnings.get(0));
            assertTrue(warnings.get(0).contains("keeping the previous 1 keys"), warnings.get(0));
            assertFalse(warnings.get(0).contains(DIGEST_A), "the digest is logged");

            Files.writeString(file, "{\"keys\":{\"bad name\":{\"sha256\":\"" + DIGEST_B + "\",\"agents\":\"nope\"}}}");
            scheduler.advance(2, TimeUnit.SECONDS);
            Files.writeString(file, "not json");
            scheduler.advance(2, TimeUnit.SECONDS);
            Files.delete(file);
            scheduler.advance(2, TimeUnit.SECONDS);
            assertEquals(4, warnings.size(), warnings.toString());
            for (String w : warnings) {
                assertFalse(w.contains(DIGEST_A) || w.contains(DIGEST_B), w);
            }
            assertNotNull(callers.forKeyDigest(DIGEST_A), "the previous keys stay");
            assertNull(callers.forKeyDigest(DIGEST_B));
        }
    }

    @Test
    void aBadFileAtStartUpFailsTheDeploymentNamingTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.json"), "{\"keys\":{" + entry("a", "ABC") + "}}");
        GatewayConfig config = config(file);
        KeysFileWatcher watcher = new KeysFileWatcher(config, new CallerDirectory(config.access(), new FakeClock()),
                Runnable::run);
        ConfigException e = assertThrows(ConfigException.class, () -> watcher.start(new FakeScheduler()));
        assertEquals("gateway.auth.keys.a.sha256", e.key());
    }
}
