package dev.clawgate.config;

import static dev.clawgate.config.ConfigLoaderTest.failure;
import static dev.clawgate.config.ConfigLoaderTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.config.GatewayConfig.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys of fallbacks, retries, allowed models, reasoning, embeddings and session naming: defaults and checks. */
class AgentKeysTest {
    @TempDir
    Path dir;

    static final Map<String, String> TWO_PROVIDERS = Map.of(
            "models.providers.a.baseUrl", "http://127.0.0.1:1/v1",
            "models.providers.b.baseUrl", "http://127.0.0.1:2/v1",
            "agents.main.model", "a/m1");

    static Map<String, String> with(String... keyValues) {
        Map<String, String> m = new java.util.HashMap<>(TWO_PROVIDERS);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void aProviderStreamsEveryCallUnlessToldToStreamAsTheClientAsksAndOnlyUpstreamProvidersTakeTheKey() {
        assertEquals(GatewayConfig.Streaming.ALWAYS, load(TWO_PROVIDERS).providers().get("a").streaming());
        assertEquals(GatewayConfig.Streaming.AS_CLIENT,
                load(with("models.providers.a.streaming", "as-client")).providers().get("a").streaming());
        ConfigException bad = failure(with("models.providers.a.streaming", "sometimes"));
        assertEquals("models.providers.a.streaming", bad.key());
        assertTrue(bad.getMessage().contains("always or as-client"), bad.getMessage());
        assertEquals("models.providers.echo.streaming", failure(with("models.providers.echo.streaming",
                "as-client")).key());
    }

    @Test
    void theDefaultsAreNoFallbacksNoRetriesReasoningPassedAndUserNamingTheSession() {
        GatewayConfig c = load(TWO_PROVIDERS);
        AgentSpec main = c.agents().get("main");
        assertEquals(List.of(), main.fallbacks());
        assertEquals(List.of(), main.allowedModels());
        assertEquals(GatewayConfig.Reasoning.PASS, main.reasoning());
        assertNull(main.embeddingModel());
        assertEquals(0, c.providers().get("a").maxRetries());
        assertEquals(2_000, c.providers().get("a").retryMaxWaitMs());
        assertTrue(c.sessions().userNamesSession());
        assertEquals(List.of(), c.sessions().keyHeaders());
    }

    @Test
    void everyNewKeyIsParsed() {
        GatewayConfig c = load(with("agents.main.fallbacks", "b/m2, echo/echo",
                "agents.main.allowedModels", "a/big,b/*", "agents.main.reasoning", "DROP",
                "agents.main.embeddingModel", "b/embed", "models.providers.a.maxRetries", "2",
                "models.providers.a.retryMaxWaitMs", "500", "gateway.sessions.userField", "ignore",
                "gateway.sessions.keyHeaders", "X-OpenWebUI-Chat-Id"));
        AgentSpec main = c.agents().get("main");
        assertEquals(List.of(new ModelRef("b", "m2"), new ModelRef("echo", "echo")), main.fallbacks());
        assertEquals(List.of(new ModelRef("a", "big"), new ModelRef("b", "*")), main.allowedModels());
        assertEquals(GatewayConfig.Reasoning.DROP, main.reasoning());
        assertEquals(new ModelRef("b", "embed"), main.embeddingModel());
        assertEquals(2, c.providers().get("a").maxRetries());
        assertEquals(500, c.providers().get("a").retryMaxWaitMs());
        assertEquals(GatewayConfig.UserField.IGNORE, c.sessions().userField());
        assertEquals(List.of("x-openwebui-chat-id"), c.sessions().keyHeaders());
    }

    @Test
    void aModelOfAnUnknownProviderAWildcardFallbackOrAMalformedEntryFailsNamingTheKey() {
        assertEquals("agents.main.fallbacks", failure(with("agents.main.fallbacks", "nope/m")).key());
        assertEquals("agents.main.fallbacks", failure(with("agents.main.fallbacks", "b/*")).key());
        assertEquals("agents.main.allowedModels", failure(with("agents.main.allowedModels", "justaname")).key());
        assertEquals("agents.main.embeddingModel", failure(with("agents.main.embeddingModel", "zzz/e")).key());
        assertEquals("agents.main.reasoning", failure(with("agents.main.reasoning", "maybe")).key());
        assertEquals("models.providers.a.maxRetries", failure(with("models.providers.a.maxRetries", "11")).key());
        assertEquals("gateway.sessions.userField", failure(with("gateway.sessions.userField", "yes")).key());
        assertEquals("gateway.sessions.keyHeaders", failure(with("gateway.sessions.keyHeaders", "bad header")).key());
        assertEquals("gateway.sessions.keyHeaders", failure(with("gateway.sessions.keyHeaders",
                "authorization")).key());
    }

    @Test
    void listsAreBounded() {
        assertEquals("agents.main.fallbacks", failure(with("agents.main.fallbacks",
                "b/1,b/2,b/3,b/4,b/5,b/6,b/7,b/8,b/9")).key());
        assertEquals("gateway.sessions.keyHeaders", failure(with("gateway.sessions.keyHeaders",
                "h1,h2,h3,h4,h5,h6,h7,h8,h9")).key());
    }

    @Test
    void theJsonFileTakesOpenClawsModelFallbacksAndListsOfAllowedModels() throws Exception {
        Path file = dir.resolve("openclaw.json");
        Files.writeString(file, "{\"models\":{\"providers\":{\"a\":{\"baseUrl\":\"http://127.0.0.1:1/v1\"},"
                + "\"b\":{\"baseUrl\":\"http://127.0.0.1:2/v1\"}}},\"agents\":{\"list\":[{\"id\":\"main\","
                + "\"model\":{\"primary\":\"a/m1\",\"fallbacks\":[\"b/m2\"]},\"allowedModels\":[\"b/*\"],"
                + "\"skills\":[\"ignored\"]}]}}");
        AgentSpec main = load(Map.of("gateway.configFile", file.toString())).agents().get("main");
        assertEquals(List.of(new ModelRef("b", "m2")), main.fallbacks());
        assertEquals(List.of(new ModelRef("b", "*")), main.allowedModels());
    }
}
