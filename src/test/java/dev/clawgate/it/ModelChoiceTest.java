package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code x-openclaw-model}: a model from the agent's {@code allowedModels} for one request, else 400. */
class ModelChoiceTest {
    static final String USER_HI = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static FakeUpstream local;
    static FakeUpstream cloud;
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        local = FakeUpstream.start();
        cloud = FakeUpstream.start();
        server = GatewayServer.start(
                "models.providers.local.baseUrl", local.baseUrl(),
                "models.providers.cloud.baseUrl", cloud.baseUrl(),
                "agents.main.model", "local/small",
                "agents.main.allowedModels", "local/big, cloud/*");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        local.close();
        cloud.close();
    }

    @BeforeEach
    void replies() {
        local.pollRequestBodies();
        cloud.pollRequestBodies();
        local.reply(Reply.sse(content("local"), finish("stop")));
        cloud.reply(Reply.sse(content("cloud"), finish("stop")));
    }

    @Test
    void anAllowedModelAnswersThisRequestOnlyAndTheHeaderNamesIt() throws Exception {
        server.api().header("x-openclaw-model", "local/big").body(USER_HI).post("/v1/chat/completions").then()
                .statusCode(200).header("x-openclaw-upstream-model", "local/big");
        assertEquals("big", UpstreamFallbackTest.json(local.nextRequest().body()).getString("model"));

        server.api().body(USER_HI).post("/v1/chat/completions").then()
                .statusCode(200).header("x-openclaw-upstream-model", "local/small");
        assertEquals("small", UpstreamFallbackTest.json(local.nextRequest().body()).getString("model"));
    }

    @Test
    void aProviderWildcardAllowsAnyModelOfThatProvider() throws Exception {
        server.api().header("x-openclaw-model", "cloud/gpt-4.1-mini").body(USER_HI).post("/v1/chat/completions")
                .then().statusCode(200)
                .header("x-openclaw-upstream-model", "cloud/gpt-4.1-mini")
                .body("choices[0].message.content", equalTo("cloud"));
        assertEquals("gpt-4.1-mini", UpstreamFallbackTest.json(cloud.nextRequest().body()).getString("model"));
    }

    @Test
    void aModelOutsideTheListAnUnknownProviderAndGarbageAreAll400ModelNotAllowed() {
        for (String header : List.of("local/huge", "nowhere/x", "no-slash", "cloud/*")) {
            server.api().header("x-openclaw-model", header).body(USER_HI).post("/v1/chat/completions").then()
                    .statusCode(400)
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.param", nullValue())
                    .body("error.code", equalTo("model_not_allowed"));
        }
        assertNull(local.pollRequest());
        assertNull(cloud.pollRequest());
    }

    @Test
    void theModelListIsUnchanged() {
        server.api().get("/v1/models").then().statusCode(200)
                .body("data.id", equalTo(List.of("openclaw", "openclaw/default", "openclaw/main", "openclaw:main")));
    }
}
