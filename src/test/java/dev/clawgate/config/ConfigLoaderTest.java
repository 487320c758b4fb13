package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    static GatewayConfig load(Map<String, String> props, Map<String, String> params, Map<String, String> env) {
        return new ConfigLoader(props, params, env::get).load();
    }

    static GatewayConfig load(Map<String, String> params) {
        return load(Map.of(), params, Map.of());
    }

    static ConfigException failure(Map<String, String> params) {
        return assertThrows(ConfigException.class, () -> load(params));
    }

    @Test
    void defaultsGiveADisabledEndpointAndAgentMainOnEcho() {
        GatewayConfig c = load(Map.of());
        assertFalse(c.chatCompletionsEnabled());
        assertEquals(GatewayConfig.AuthMode.TOKEN, c.auth().mode());
        assertEquals("main", c.defaultAgent());
        assertEquals("echo", c.agents().get("main").provider());
        assertEquals(20_971_520, c.http().maxBodyBytes());
        assertEquals(600_000, c.http().streamTimeoutMs());
        assertEquals(15_000, c.http().heartbeatMs());
        assertEquals(10, c.auth().maxAttempts());
        assertEquals(60_000, c.auth().windowMs());
        assertEquals(300_000, c.auth().lockoutMs());
        assertTrue(c.auth().exemptLoopback());
        assertFalse(c.http().rateLimitEnabled());
        assertEquals(50, c.agents().get("main").maxHistoryMessages());
        assertEquals(120_000, c.providers().get("echo").timeoutMs());
    }

    @Test
    void systemPropertyBeatsInitParameterBeatsJsonFileBeatsDefault() throws Exception {
        Path file = dir.resolve("openclaw.json");
        Files.writeString(file, "{\"gateway\":{\"http\":{\"heartbeatMs\":3000,\"streamTimeoutMs\":4000,"
                + "\"maxBodyBytes\":5000}}}");
        Map<String, String> params = Map.of("gateway.configFile", file.toString(),
                "gateway.http.heartbeatMs", "2000", "gateway.http.streamTimeoutMs", "2500");
        Map<String, String> props = Map.of("gateway.http.heartbeatMs", "1000");
        GatewayConfig c = load(props, params, Map.of());
        assertEquals(1000, c.http().heartbeatMs());
        assertEquals(2500, c.http().streamTimeoutMs());
        assertEquals(5000, c.http().maxBodyBytes());
        assertEquals(10, c.auth().maxAttempts());
    }

    @Test
    void theSeedSnippetWorksVerbatim() throws Exception {
        Path file = dir.resolve("openclaw.json");
        Files.writeString(file, "{\"gateway\":{\"http\":{\"endpoints\":{\"chatCompletions\":{\"enabled\":true}}}}}");
        GatewayConfig c = load(Map.of(), Map.of("gateway.configFile", file.toString()),
                Map.of("OPENCLAW_GATEWAY_TOKEN", "a-real-token-0123456789abcdef0123"));
        assertTrue(c.chatCompletionsEnabled());
        assertEquals("a-real-token-0123456789abcdef0123", c.auth().token().reveal());
    }

    @Test
    void agentsListEntriesMapToAgentKeysWithOpenClawsModelShape() throws Exception {
        Path file = dir.resolve("openclaw.json");
        Files.writeString(file, "{\"agents\":{\"list\":[{\"id\":\"Main\",\"model\":\"echo/echo\",\"workspace\":\"~/w\"},"
                + "{\"id\":\"coder\",\"default\":true,\"model\":{\"primary\":\"ollama/qwen\"},"
                + "\"systemPrompt\":\"Write code.\",\"maxHistoryMessages\":7}]},"
                + "\"models\":{\"providers\":{\"ollama\":{\"baseUrl\":\"http://127.0.0.1:11434/v1\","
                + "\"models\":[{\"id\":\"qwen\"}]}}},"
                + "\"gateway\":{\"port\":18789,\"trustedProxies\":[\"10.0.0.1\",\"10.1.0.0/16\"]},"
                + "\"channels\":{\"telegram\":{}}}");
        GatewayConfig c = load(Map.of("gateway.configFile", file.toString()));
        assertEquals(java.util.Set.of("main", "coder"), c.agents().keySet());
        assertEquals("coder", c.defaultAgent());
        GatewayConfig.AgentSpec coder = c.agents().get("coder");
        assertEquals("ollama", coder.provider());
        assertEquals("qwen", coder.model());
        assertEquals("Write code.", coder.systemPrompt());
        assertEquals(7, coder.maxHistoryMessages());
        assertEquals(List.of("10.0.0.1", "10.1.0.0/16"), c.trustedProxies());
        assertEquals("http://127.0.0.1:11434/v1", c.providers().get("ollama").baseUrl().toString());
    }

    @Test
    void envReferencesAreInterpolatedAndAMissingOneNamesTheKey() {
        GatewayConfig c = load(Map.of(), Map.of("models.providers.openai.baseUrl", "https://${env:HOST}/v1",
                "models.providers.openai.apiKey", "${env:KEY}", "agents.main.model", "openai/gpt-4o-mini"),
                Map.of("HOST", "api.example.com", "KEY", "sk-secret"));
        assertEquals("https://api.example.com/v1", c.providers().get("openai").baseUrl().toString());
        assertEquals("sk-secret", c.providers().get("openai").apiKey().reveal());
        ConfigException e = failure(Map.of("models.providers.openai.apiKey", "${env:NOPE_NOT_SET}"));
        assertEquals("models.providers.openai.apiKey", e.key());
        assertTrue(e.getMessage().contains("NOPE_NOT_SET"), e.getMessage());
    }

    @Test
    void secretsFallBackToTheEnvironmentAndNeverPrint() {
        GatewayConfig c = load(Map.of(), Map.of("gateway.auth.mode", "password"),
                Map.of("OPENCLAW_GATEWAY_PASSWORD", "hunter2-but-longer"));
        assertEquals("hunter2-but-longer", c.auth().password().reveal());
        assertFalse(c.toString().contains("hunter2"), c.toString());
        assertFalse(c.auth().toString().contains("hunter2"));
    }

    @Test
    void noConfigRecordPrintsAnySecret() {
        GatewayConfig c = load(Map.of("gateway.auth.token", "tok-secret-1234567890",
                "gateway.auth.password", "pw-secret-1234567890",
                "gateway.state.redis.url", "redis://:redis-secret-123@127.0.0.1:6379",
                "models.providers.openai.baseUrl", "https://api.example.com/v1",
                "models.providers.openai.apiKey", "sk-secret-1234567890"));
        for (Object record : List.of(c, c.auth(), c.state(), c.providers().get("openai"), c.http(), c.metrics())) {
            String text = record.toString();
            for (String secret : List.of("tok-secret", "pw-secret", "redis-secret", "sk-secret")) {
                assertFalse(text.contains(secret), text);
            }
        }
    }

    @Test
    void anUnknownGatewayKeyFailsNamingIt() {
        assertEquals("gateway.http.maxBodyByte", failure(Map.of("gateway.http.maxBodyByte", "1")).key());
    }

    @Test
    void badNumbersAndBooleansFailNamingTheKeyAndValue() {
        ConfigException e = failure(Map.of("gateway.http.maxBodyBytes", "20MB"));
        assertEquals("gateway.http.maxBodyBytes", e.key());
        assertTrue(e.getMessage().contains("'20MB'"), e.getMessage());
        assertEquals("gateway.http.heartbeatMs", failure(Map.of("gateway.http.heartbeatMs", "0")).key());
        assertEquals("gateway.metrics.enabled", failure(Map.of("gateway.metrics.enabled", "yes")).key());
        assertEquals("agents.main.maxHistoryMessages",
                failure(Map.of("agents.main.model", "echo/echo", "agents.main.maxHistoryMessages", "x")).key());
    }

    @Test
    void anAgentOnAnUnknownProviderFailsNamingTheAgentKey() {
        ConfigException e = failure(Map.of("agents.main.model", "ollama/llama3.2"));
        assertEquals("agents.main.model", e.key());
        assertTrue(e.getMessage().contains("'ollama'"), e.getMessage());
        assertEquals("agents.main.model", failure(Map.of("agents.main.model", "llama3.2")).key());
    }

    @Test
    void aMalformedJsonFileFailsNamingTheConfigFileKey() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"gateway\": {");
        assertEquals("gateway.configFile", failure(Map.of("gateway.configFile", file.toString())).key());
        assertEquals("gateway.configFile",
                failure(Map.of("gateway.configFile", dir.resolve("missing.json").toString())).key());
    }

    @Test
    void anEnabledEndpointNeedsARealSecret() {
        Map<String, String> params = new HashMap<>(Map.of("gateway.http.endpoints.chatCompletions.enabled", "true"));
        assertEquals("gateway.auth.token", failure(params).key());
        for (String placeholder : List.of("change-me-to-a-long-random-token", "changeme", "null", "CHANGE-ME-now")) {
            params.put("gateway.auth.token", placeholder);
            ConfigException e = failure(params);
            assertEquals("gateway.auth.token", e.key());
            assertFalse(e.getMessage().contains(placeholder), e.getMessage());
        }
        params.put("gateway.auth.token", "s3cr3t-long-enough-0123456789abcdef");
        assertTrue(load(params).chatCompletionsEnabled());
    }

    @Test
    void aMissingSecretNamesItsVariableAndTheLikelyCauseThatItWasNotExported() {
        ConfigException e = failure(Map.of("gateway.http.endpoints.chatCompletions.enabled", "true"));
        assertEquals("gateway.auth.token", e.key());
        assertTrue(e.getMessage().contains("OPENCLAW_GATEWAY_TOKEN is not in this process's environment"),
                e.getMessage());
        assertTrue(e.getMessage().contains("export OPENCLAW_GATEWAY_TOKEN"), e.getMessage());
    }

    @Test
    void aSecretShorterThan32CharactersIsRefusedUnlessWeakSecretsAreAllowed() {
        String weak = "weak-secret-31-chars-0123456789";
        Map<String, String> params = new HashMap<>(Map.of("gateway.http.endpoints.chatCompletions.enabled", "true",
                "gateway.auth.token", weak));
        ConfigException e = failure(params);
        assertEquals("gateway.auth.token", e.key());
        assertTrue(e.getMessage().contains("shorter than 32 characters"), e.getMessage());
        assertTrue(e.getMessage().contains("gateway.auth.allowWeakSecret=true"), e.getMessage());
        assertFalse(e.getMessage().contains(weak), e.getMessage());
        assertEquals("gateway.auth.password", failure(Map.of("gateway.http.endpoints.chatCompletions.enabled",
                "true", "gateway.auth.mode", "password", "gateway.auth.password", "short")).key());

        params.put("gateway.auth.token", weak + "x");
        assertEquals(32, load(params).auth().token().reveal().length());
    }

    @Test
    void anAllowedWeakSecretIsAcceptedWithOneWarningThatDoesNotQuoteIt() {
        java.util.List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ConfigLoader.class.getName());
        logger.addHandler(h);
        try {
            GatewayConfig c = load(Map.of("gateway.http.endpoints.chatCompletions.enabled", "true",
                    "gateway.auth.token", "abc", "gateway.auth.allowWeakSecret", "true"));
            assertEquals("abc", c.auth().token().reveal());
        } finally {
            logger.removeHandler(h);
        }
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).getMessage().contains("gateway.auth.token is shorter than 32 characters"),
                warnings.get(0).getMessage());
        assertFalse(warnings.get(0).getMessage().contains("abc"));
    }

    @Test
    void modeNoneIsRefusedUnlessAllowed() {
        assertEquals("gateway.auth.mode", failure(Map.of("gateway.auth.mode", "none")).key());
        GatewayConfig c = load(Map.of("gateway.auth.mode", "none", "gateway.auth.allowNone", "true",
                "gateway.http.endpoints.chatCompletions.enabled", "true"));
        assertNull(c.auth().expectedSecret());
    }

    @Test
    void aDefaultAgentThatDoesNotExistFails() {
        assertEquals("agents.defaultAgent", failure(Map.of("agents.defaultAgent", "ghost")).key());
    }

    @Test
    void burstDefaultsToRequestsPerMinute() {
        GatewayConfig c = load(Map.of("gateway.http.rateLimit.requestsPerMinute", "30"));
        assertEquals(30, c.http().burst());
        assertEquals(5, load(Map.of("gateway.http.rateLimit.requestsPerMinute", "30",
                "gateway.http.rateLimit.burst", "5")).http().burst());
    }

    @Test
    void unknownAgentOrProviderFieldsFromWebXmlFail() {
        assertEquals("agents.main.systemPromt",
                failure(Map.of("agents.main.model", "echo/echo", "agents.main.systemPromt", "x")).key());
        assertEquals("models.providers.echo.delay", failure(Map.of("models.providers.echo.delay", "1")).key());
    }
}
