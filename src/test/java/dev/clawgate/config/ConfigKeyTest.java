package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigKeyTest {
    @TempDir
    Path dir;

    static ConfigException failure(Map<String, String> params) {
        return ConfigLoaderTest.failure(params);
    }

    @Test
    void everyKeyHasAUniqueNameADocAndADefaultThatParses() {
        Set<String> names = new HashSet<>();
        for (ConfigKey<?> key : ConfigKey.all()) {
            assertTrue(names.add(key.name()), "two descriptors for " + key.name());
            assertFalse(key.doc().isBlank(), key.name());
            assertNotNull(key.shownDefault(), key.name());
            if (key.defaultValue() != null) {
                assertNotNull(key.parse(key.name(), null, env -> null), key.name());
            } else {
                assertNull(key.parse(key.name(), " ", env -> null), key.name());
            }
        }
    }

    @Test
    void aNumberKeyReportsItsRangeAndAValueOutsideItFailsNamingTheKeyAndBounds() {
        assertEquals(1L, ConfigKey.LOCKOUT_MAX_ATTEMPTS.min());
        assertEquals((long) Integer.MAX_VALUE, ConfigKey.LOCKOUT_MAX_ATTEMPTS.max());
        assertNull(ConfigKey.AUTH_MODE.min());
        ConfigException e = failure(Map.of("gateway.auth.rateLimit.maxAttempts", "0"));
        assertEquals("gateway.auth.rateLimit.maxAttempts: must be between 1 and 2147483647, not 0", e.getMessage());
        e = failure(Map.of("gateway.http.maxBodyBytes", "2147483647"));
        assertEquals("gateway.http.maxBodyBytes: must be between 1 and 2147483639, not 2147483647", e.getMessage());
        assertEquals("agents.main.maxHistoryMessages", failure(Map.of("agents.main.model", "echo/echo",
                "agents.main.maxHistoryMessages", "100001")).key());
    }

    @Test
    void aPatternKeyMatchesItsInstancesAndNamesThem() {
        assertEquals(Optional.of(ConfigKey.AGENT_MODEL), ConfigKey.find("agents.coder.model"));
        assertEquals("coder", ConfigKey.AGENT_MODEL.placeholderIn("agents.coder.model"));
        assertEquals("models.providers.ollama.timeoutMs", ConfigKey.PROVIDER_TIMEOUT_MS.nameFor("ollama"));
        assertEquals("timeoutMs", ConfigKey.PROVIDER_TIMEOUT_MS.field());
        assertEquals(Optional.empty(), ConfigKey.find("agents.coder.model.primary"));
        assertEquals(Optional.of(ConfigKey.MAX_BODY_BYTES), ConfigKey.find("gateway.http.maxBodyBytes"));
        assertNull(ConfigKey.MAX_BODY_BYTES.placeholderIn("gateway.http.maxBodyBytes"));
    }

    @Test
    void theSecretKeysAreThoseWhoseTypeIsSecret() {
        for (String key : List.of("gateway.auth.token", "gateway.auth.password", "gateway.state.redis.url",
                "models.providers.openai.apiKey")) {
            assertTrue(ConfigKeys.isSecret(key), key);
        }
        for (String key : List.of("gateway.auth.mode", "models.providers.openai.baseUrl", "agents.main.model")) {
            assertFalse(ConfigKeys.isSecret(key), key);
        }
    }

    @Test
    void theStringNamesAndDefaultsComeFromTheDescriptors() {
        assertEquals(ConfigKey.HEARTBEAT_MS.name(), ConfigKeys.HEARTBEAT_MS);
        assertEquals("15000", ConfigKeys.GATEWAY_DEFAULTS.get("gateway.http.heartbeatMs"));
        assertEquals(Set.of("model", "systemPrompt", "maxHistoryMessages", "fallbacks", "allowedModels", "reasoning",
                "embeddingModel", "mcpServers", "tools", "maxToolRounds", "toolProgress"), ConfigKeys.AGENT_FIELDS);
        assertEquals("OPENCLAW_GATEWAY_TOKEN", ConfigKeys.ENV_TOKEN);
    }

    @Test
    void aBadChoiceListsTheChoices() {
        assertEquals("gateway.auth.mode: must be token, password, none or trusted-proxy, not 'bearer'",
                failure(Map.of("gateway.auth.mode", "Bearer")).getMessage());
    }

    @Test
    void aZeroBurstIsRefusedOnlyWhileTheRateLimitIsOn() {
        assertEquals("gateway.http.rateLimit.burst", failure(Map.of("gateway.http.rateLimit.requestsPerMinute", "10",
                "gateway.http.rateLimit.burst", "0")).key());
        assertEquals(0, ConfigLoaderTest.load(Map.of("gateway.http.rateLimit.burst", "0")).http().burst());
    }

    @Test
    void keysOutsideOurNamespacesAreLeftAlone() {
        GatewayConfig c = ConfigLoaderTest.load(Map.of("java.home", "/opt", "catalina.base", "/srv",
                "tools.profile", "full", "session.scope", "x", "meta.version", "1", "app.name", "shop",
                "jsp.mode", "x", "tcp.port", "1", "mvc.view", "x", "m.x", "y"));
        assertEquals(Set.of("main"), c.agents().keySet());
    }

    @Test
    void aPrefixThatIsATypoOfOursIsAnErrorNamingTheKeyAndTheLikelyPrefix() {
        Map<String, String> typos = Map.of("agent.main.systemPrompt", "agents.", "model.providers.x.baseUrl",
                "models.", "gateways.http.maxBodyBytes", "gateway.", "Gateway.auth.mode", "gateway.",
                "gatway.metrics.enabled", "gateway.", "agnets.main.model", "agents.", "mpc.servers.x.url", "mcp.",
                "MCP.servers.x.url", "mcp.");
        typos.forEach((key, meant) -> {
            ConfigException e = failure(Map.of(key, "x"));
            assertEquals(key, e.key());
            assertTrue(e.getMessage().contains("did you mean '" + meant + "'"), e.getMessage());
        });
        ConfigException fromSystem = assertThrows(ConfigException.class, () -> ConfigLoaderTest.load(
                Map.of("agent.main.model", "x"), Map.of(), Map.of()));
        assertEquals("agent.main.model", fromSystem.key());
    }

    @Test
    void anUnknownProviderOrModelsKeyGetsItsOwnMessage() {
        assertTrue(failure(Map.of("models.providers.echo.delay", "1")).getMessage()
                .contains("known: api, apiKey, baseUrl, dropFields, maxRetries, retryMaxWaitMs, streaming, timeoutMs, wordDelayMs"));
        assertEquals("models.default", failure(Map.of("models.default", "x")).key());
        assertEquals("agents.Bad!.model", failure(Map.of("agents.Bad!.model", "echo/echo")).key());
    }

    @Test
    void theStoreIsMemoryThenFilesThenRedisAndTheDirectoryIsCheckedAtLoad() throws Exception {
        assertEquals(GatewayConfig.StoreKind.MEMORY, ConfigLoaderTest.load(Map.of()).state().store());
        GatewayConfig.State files = ConfigLoaderTest.load(Map.of("gateway.state.dir",
                dir.resolve("new/sessions").toString())).state();
        assertEquals(GatewayConfig.StoreKind.FILE, files.store());
        assertFalse(Files.exists(dir.resolve("new")), "loading creates nothing");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        ConfigException e = failure(Map.of("gateway.state.dir", file.resolve("sessions").toString()));
        assertEquals("gateway.state.dir", e.key());
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
        GatewayConfig.State both = ConfigLoaderTest.load(Map.of("gateway.state.dir", file.resolve("s").toString(),
                "gateway.state.redis.url", "redis://127.0.0.1:6379")).state();
        assertEquals(GatewayConfig.StoreKind.REDIS, both.store(), "the directory is ignored, so not checked");
    }

    @Test
    void theGatewaySecretFallsBackToItsEnvironmentVariableThroughTheDescriptor() {
        assertEquals("from-env", ConfigKey.AUTH_TOKEN.parse("gateway.auth.token", " ",
                Map.of("OPENCLAW_GATEWAY_TOKEN", " from-env ")::get).reveal());
        assertEquals("set", ConfigKey.AUTH_TOKEN.parse("gateway.auth.token", "set",
                Map.of("OPENCLAW_GATEWAY_TOKEN", "from-env")::get).reveal());
    }
}
