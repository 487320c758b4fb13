package dev.clawgate.it;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import jakarta.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/embeddings} with the official openai-java client: relayed from a fake upstream (float and base64),
 * answered by the built-in echo, refused for an agent without an embedding model.
 */
class EmbeddingsTest {
    static final float[] VECTOR = {0.25f, -0.5f, 1.0f};
    static FakeUpstream upstream;
    static GatewayServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        server = GatewayServer.start(
                "models.providers.up.baseUrl", upstream.baseUrl(),
                "models.providers.up.apiKey", "sk-embed-key-0123456789",
                "agents.main.model", "echo/echo",
                "agents.main.embeddingModel", "echo/echo",
                "agents.rag.model", "up/chat-model",
                "agents.rag.embeddingModel", "up/nomic-embed-text",
                "agents.plain.model", "echo/echo",
                "gateway.metrics.enabled", "true");
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey(GatewayServer.TOKEN)
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
        upstream.close();
    }

    @BeforeEach
    void forget() {
        upstream.pollRequestBodies();
    }

    /** The upstream's answer: its own model name, the vector as floats or as base64 float32. */
    static Reply upstreamAnswer(boolean base64) {
        String embedding;
        if (base64) {
            ByteBuffer b = ByteBuffer.allocate(VECTOR.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : VECTOR) {
                b.putFloat(f);
            }
            embedding = "\"" + Base64.getEncoder().encodeToString(b.array()) + "\"";
        } else {
            embedding = "[0.25,-0.5,1.0]";
        }
        return Reply.json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":"
                + embedding + "}],\"model\":\"nomic-embed-text:latest\","
                + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}");
    }

    @Test
    void floatEmbeddingsAreRelayedWithTheClientsModelAndTheFieldsPassedThrough() throws Exception {
        upstream.reply(upstreamAnswer(false));
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("openclaw:rag").input("hello world")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).dimensions(3).user("u-1").build());
        assertEquals("openclaw:rag", r.model());
        assertEquals(List.of(0.25f, -0.5f, 1.0f), r.data().get(0).embedding());
        assertEquals(3, r.usage().promptTokens());

        FakeUpstream.Received sent = upstream.nextRequest();
        assertEquals("/v1/embeddings", sent.path());
        assertEquals("Bearer sk-embed-key-0123456789", sent.headers().get("authorization"));
        JsonObject body = UpstreamFallbackTest.json(sent.body());
        assertEquals("nomic-embed-text", body.getString("model"));
        assertEquals("hello world", body.getString("input"));
        assertEquals("float", body.getString("encoding_format"));
        assertEquals(3, body.getInt("dimensions"));
        assertEquals("u-1", body.getString("user"));
    }

    @Test
    void base64EmbeddingsAreRelayedAsTheUpstreamEncodedThem() throws Exception {
        upstream.reply(upstreamAnswer(true));
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("openclaw:rag").inputOfArrayOfStrings(List.of("a", "b"))
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        assertEquals(List.of(0.25f, -0.5f, 1.0f), r.data().get(0).embedding());
        JsonObject body = UpstreamFallbackTest.json(upstream.nextRequest().body());
        assertEquals("base64", body.getString("encoding_format"));
        assertEquals(2, body.getJsonArray("input").size());
    }

    @Test
    void tokenArraysPassThroughAsSent() throws Exception {
        upstream.reply(upstreamAnswer(false));
        server.api().body("{\"model\":\"openclaw:rag\",\"input\":[[1,2,3],[4]]}").post("/v1/embeddings").then()
                .statusCode(200)
                .header("x-openclaw-upstream-model", "up/nomic-embed-text")
                .body("model", equalTo("openclaw:rag"));
        assertEquals("[[1,2,3],[4]]",
                UpstreamFallbackTest.json(upstream.nextRequest().body()).getJsonArray("input").toString());
    }

    @Test
    void theEchoModelAnswersDeterministicSmallVectorsInBothEncodings() {
        EmbeddingCreateParams.Builder params = EmbeddingCreateParams.builder().model("openclaw")
                .inputOfArrayOfStrings(List.of("same text", "other text", "same text"));
        CreateEmbeddingResponse floats = client.embeddings().create(params
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        CreateEmbeddingResponse base64 = client.embeddings().create(params
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        List<Float> first = floats.data().get(0).embedding();
        assertEquals(8, first.size());
        assertEquals(first, floats.data().get(2).embedding(), "equal inputs, equal vectors");
        assertNotEquals(first, floats.data().get(1).embedding());
        assertEquals(first, base64.data().get(0).embedding(), "base64 decodes to the same floats");
        double norm = first.stream().mapToDouble(f -> f * f).sum();
        assertEquals(1.0, norm, 1e-5);
        assertEquals(6, floats.usage().promptTokens());
    }

    @Test
    void anAgentWithoutAnEmbeddingModelIs400EmbeddingsNotConfigured() {
        BadRequestException e = org.junit.jupiter.api.Assertions.assertThrows(BadRequestException.class,
                () -> client.embeddings().create(EmbeddingCreateParams.builder().model("openclaw:plain")
                        .input("x").build()));
        assertEquals(400, e.statusCode());
        server.api().body("{\"model\":\"openclaw:plain\",\"input\":\"x\"}").post("/v1/embeddings").then()
                .statusCode(400).body("error.code", equalTo("embeddings_not_configured"));
    }

    @Test
    void badInputIs400OnInputAndAnUpstreamFailureIsMappedAsForChat() {
        server.api().body("{\"input\":[]}").post("/v1/embeddings").then()
                .statusCode(400).body("error.param", equalTo("input"));
        server.api().body("{\"input\":[\"a\",1]}").post("/v1/embeddings").then()
                .statusCode(400).body("error.param", equalTo("input"));
        server.api().body("{\"input\":\"a\",\"encoding_format\":\"hex\"}").post("/v1/embeddings").then()
                .statusCode(400).body("error.param", equalTo("encoding_format"));
        upstream.reply(Reply.error(500, "{}"));
        server.api().body("{\"model\":\"openclaw:rag\",\"input\":\"a\"}").post("/v1/embeddings").then()
                .statusCode(502).body("error.code", equalTo("upstream_error"));
        upstream.reply(Reply.error(404, "{\"error\":{\"message\":\"model not found\"}}"));
        server.api().body("{\"model\":\"openclaw:rag\",\"input\":\"a\"}").post("/v1/embeddings").then()
                .statusCode(404).body("error.message", equalTo("model not found"));
    }

    @Test
    void embeddingsNeedTheTokenAndCountInTheRequestMetricsWithTheirPromptTokens() {
        io.restassured.RestAssured.given().baseUri(server.baseUrl()).contentType("application/json")
                .body("{\"input\":\"x\"}").post("/v1/embeddings").then().statusCode(401);
        server.api().body("{\"model\":\"openclaw:main\",\"input\":\"one two three four\"}").post("/v1/embeddings")
                .then().statusCode(200).body("usage.prompt_tokens", equalTo(4));
        String metrics = server.api().get("/metrics").then().extract().asString();
        assertTrue(metrics.contains("clawgate_prompt_tokens_total{agent=\"main\"}"), metrics);
    }
}
