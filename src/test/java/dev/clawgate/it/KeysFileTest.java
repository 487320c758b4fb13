package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway.auth.keysFile} over HTTP: a key added to the file works and a removed one is refused, without a
 * restart. The test waits for the gateway's reload event, not for time.
 */
class KeysFileTest {
    static String file(String... nameKeyPairs) throws Exception {
        StringBuilder b = new StringBuilder("{\"keys\":{");
        for (int i = 0; i < nameKeyPairs.length; i += 2) {
            b.append(i > 0 ? "," : "").append('"').append(nameKeyPairs[i]).append("\":{\"sha256\":\"")
                    .append(KeysTest.sha256(nameKeyPairs[i + 1])).append("\",\"agents\":[\"main\"],")
                    .append("\"tokensPerDay\":100000}");
        }
        return b.append("}}").toString();
    }

    @Test
    void aKeyAddedToTheFileWorksAndARemovedOneIsRefusedWithoutARestart(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, file("team-a", KeysTest.KEY_A));
        try (GatewayServer server = GatewayServer.start("gateway.auth.keysFile", keys.toString(),
                "gateway.auth.keysFile.pollMs", "100")) {
            Semaphore reloaded = new Semaphore(0);
            server.gateway().callers().onChange(reloaded::release);
            KeysTest.as(server, KeysTest.KEY_A).body(KeysTest.BODY).post("/v1/chat/completions").then()
                    .statusCode(200);
            KeysTest.as(server, KeysTest.KEY_B).body(KeysTest.BODY).post("/v1/chat/completions").then()
                    .statusCode(401);

            Files.writeString(keys, file("team-a", KeysTest.KEY_A, "team-b", KeysTest.KEY_B));
            assertTrue(reloaded.tryAcquire(10, TimeUnit.SECONDS), "the added key was not loaded");
            KeysTest.as(server, KeysTest.KEY_B).body(KeysTest.BODY).post("/v1/chat/completions").then()
                    .statusCode(200);

            Files.writeString(keys, file("team-b", KeysTest.KEY_B));
            assertTrue(reloaded.tryAcquire(10, TimeUnit.SECONDS), "the removal was not loaded");
            KeysTest.as(server, KeysTest.KEY_A).body(KeysTest.BODY).post("/v1/chat/completions").then()
                    .statusCode(401);
            KeysTest.as(server, KeysTest.KEY_B).body(KeysTest.BODY).post("/v1/chat/completions").then()
                    .statusCode(200);
        }
    }
}
