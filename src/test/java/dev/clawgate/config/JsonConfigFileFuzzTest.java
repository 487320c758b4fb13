package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fuzzes the JSON config file ({@code gateway.configFile}, OpenClaw's {@code openclaw.json} shape) through the whole
 * loader: read, flatten, merge and validate. Invariant: it gives a configuration or throws {@link ConfigException}
 * naming a key, never another exception (a bad file must stop the deployment with a message, not a stack trace from
 * deep inside). Regression inputs: {@code src/test/resources/dev/clawgate/config/JsonConfigFileFuzzTestInputs/};
 * fuzzing: docs/FUZZING.md.
 */
class JsonConfigFileFuzzTest {
    private static final Path FILE = tempFile();
    private static final Map<String, String> ENV = Map.of("FUZZ_TOKEN", "fuzz-token-0123456789abcdef");

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\"gateway\"", "\"http\"", "\"auth\"", "\"mode\"", "\"token\"", "\"agents\"", "\"list\"",
            "\"id\"", "\"default\"", "\"model\"", "\"primary\"", "\"models\"", "\"providers\"", "\"baseUrl\"",
            "\"apiKey\"", "\"timeoutMs\"", "\"state\"", "\"dir\"", "\"redis\"", "\"url\"", "\"endpoints\"",
            "\"chatCompletions\"", "\"enabled\"", "\"maxBodyBytes\"", "\"streamTimeoutMs\"", "\"heartbeatMs\"",
            "\"trustedProxies\"", "\"systemPrompt\"", "\"maxHistoryMessages\"", "\"echo/echo\"",
            "\"http://127.0.0.1:1/v1\"", "\"${env:FUZZ_TOKEN}\"", "\"${env:UNSET}\"", "\"\\u0000\"", "true", "null"})
    void aConfigFileGivesAConfigOrAConfigException(byte[] file) {
        try {
            Files.write(FILE, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            GatewayConfig config = new ConfigLoader(Map.of(), Map.of(ConfigKeys.CONFIG_FILE, FILE.toString()),
                    ENV::get).load();
            assertNotNull(config.agents().get(config.defaultAgent()));
        } catch (ConfigException e) {
            assertNotNull(e.key());
            assertTrue(e.getMessage().startsWith(e.key() + ": "), e.getMessage());
        }
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("clawgate-fuzz-", ".json");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
