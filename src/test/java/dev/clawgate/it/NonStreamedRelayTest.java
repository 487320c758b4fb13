package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code models.providers.<name>.streaming = as-client} through the official openai-java client: a client that does
 * not stream gets what a streamed upstream call would have given it (both choices, logprobs, refusal, annotations,
 * fingerprint, tier, usage details) from one non-streamed upstream call; a session keeps choice 0; a streaming
 * client is still streamed.
 */
class NonStreamedRelayTest {
    /** The answer of {@link ResponseRelayTest#TWO_CHOICES}, as one non-streamed body. */
    static final String TWO_CHOICES = "{\"id\":\"up-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"system_fingerprint\":\"fp_up_1\",\"service_tier\":\"default\",\"choices\":["
            + "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi there\",\"refusal\":null,"
            + "\"annotations\":[{\"type\":\"url_citation\",\"url_citation\":{\"url\":\"https://example.com/a\","
            + "\"title\":\"A\",\"start_index\":0,\"end_index\":2}}]},\"logprobs\":{\"content\":["
            + ResponseRelayTest.logprob("Hi", -0.25) + "," + ResponseRelayTest.logprob(" there", -1.5)
            + "],\"refusal\":null},\"finish_reason\":\"stop\"},"
            + "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't help with that.\"},"
            + "\"logprobs\":{\"content\":null,\"refusal\":[" + ResponseRelayTest.logprob("I can't", -0.5) + "]},"
            + "\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":8,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":5,\"audio_tokens\":0}}}";

    static FakeUpstream upstream;
    static GatewayServer server;
    static OpenAIClient openai;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        server = GatewayServer.start(Map.of("models.providers.fake.baseUrl", upstream.baseUrl(),
                "models.providers.fake.streaming", "as-client", "agents.main.model", "fake/some-model"));
        openai = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey(GatewayServer.TOKEN)
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        openai.close();
        server.close();
        upstream.close();
    }

    @BeforeEach
    void answerAsAsked() {
        upstream.reply(r -> r.body().contains("\"stream\":false") ? Reply.json(TWO_CHOICES)
                : ResponseRelayTest.TWO_CHOICES);
        upstream.pollRequestBodies();
    }

    private static List<String> tokens(List<ChatCompletionTokenLogprob> logprobs) {
        return logprobs.stream().map(l -> l.token() + "=" + l.logprob()).toList();
    }

    @Test
    void aBlockingClientGetsEveryFieldOfBothChoicesFromOneNonStreamedUpstreamCall() throws Exception {
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("openclaw:main").addUserMessage("hello").n(2L).logprobs(true).topLogprobs(1L).build());
        FakeUpstream.Received sent = upstream.nextRequest();
        assertTrue(sent.body().contains("\"stream\":false"), sent.body());
        assertFalse(sent.body().contains("stream_options"), sent.body());
        ChatCompletion.Choice first = c.choices().get(0);
        ChatCompletion.Choice second = c.choices().get(1);
        assertEquals("Hi there", first.message().content().orElseThrow());
        assertEquals(List.of("Hi=-0.25", " there=-1.5"), tokens(first.logprobs().orElseThrow().content()
                .orElseThrow()));
        assertEquals("https://example.com/a", first.message().annotations().orElseThrow().get(0).urlCitation()
                .url());
        assertEquals("I can't help with that.", second.message().refusal().orElseThrow());
        assertEquals(List.of("I can't=-0.5"), tokens(second.logprobs().orElseThrow().refusal().orElseThrow()));
        assertEquals("fp_up_1", c.systemFingerprint().orElseThrow());
        assertEquals(ChatCompletion.ServiceTier.DEFAULT, c.serviceTier().orElseThrow());
        assertEquals(21, c.usage().orElseThrow().totalTokens());
        assertEquals(8, c.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
        assertEquals(5, c.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens()
                .orElseThrow());
    }

    @Test
    void aStreamingClientIsStillStreamed() throws Exception {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("openclaw:main").addUserMessage("hello").n(2L).build())) {
            stream.stream().forEach(chunk -> chunk.choices().stream().filter(ch -> ch.index() == 0)
                    .forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertEquals("Hi there", text.toString());
        assertTrue(upstream.nextRequest().body().contains("\"stream\":true"));
    }

    @Test
    void aSessionKeepsChoiceZeroOfANonStreamedAnswer() throws Exception {
        String user = "as-client-" + System.nanoTime();
        server.api().body("{\"user\":\"" + user + "\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        server.api().body("{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        upstream.nextRequest();
        FakeUpstream.Received second = upstream.nextRequest();
        JsonArray messages = Json.createReader(new StringReader(second.body())).readObject().getJsonArray("messages");
        assertEquals(List.of("user:a", "assistant:Hi there", "user:b"), messages.stream()
                .map(m -> ((JsonObject) m).getString("role") + ":" + ((JsonObject) m).getString("content"))
                .toList());
    }
}
