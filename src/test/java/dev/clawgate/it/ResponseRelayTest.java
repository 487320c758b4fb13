package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.CompletionUsage;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the upstream answers comes back whole through the official openai-java client, streaming and not: two
 * choices with their indexes, each choice's logprobs, a refusal, annotations, {@code system_fingerprint},
 * {@code service_tier} and the usage details; the echo answers {@code n} choices; a session keeps choice 0.
 */
class ResponseRelayTest {
    private static final String HEAD = "{\"id\":\"up-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"system_fingerprint\":\"fp_up_1\",\"service_tier\":\"default\",\"choices\":";

    /** Two choices: 0 says "Hi there" with logprobs and a citation, 1 refuses; then the usage with its details. */
    static final Reply TWO_CHOICES = Reply.sse(
            HEAD + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                    + "\"finish_reason\":null},{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                    + "\"logprobs\":null,\"finish_reason\":null}]}",
            HEAD + "[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":{\"content\":[" + logprob("Hi", -0.25)
                    + "],\"refusal\":null},\"finish_reason\":null}]}",
            HEAD + "[{\"index\":1,\"delta\":{\"refusal\":\"I can't\"},\"logprobs\":{\"content\":null,\"refusal\":["
                    + logprob("I can't", -0.5) + "]},\"finish_reason\":null}]}",
            HEAD + "[{\"index\":0,\"delta\":{\"content\":\" there\"},\"logprobs\":{\"content\":["
                    + logprob(" there", -1.5) + "],\"refusal\":null},\"finish_reason\":null}]}",
            HEAD + "[{\"index\":1,\"delta\":{\"refusal\":\" help with that.\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}]}",
            HEAD + "[{\"index\":0,\"delta\":{\"annotations\":[{\"type\":\"url_citation\",\"url_citation\":"
                    + "{\"url\":\"https://example.com/a\",\"title\":\"A\",\"start_index\":0,\"end_index\":2}}]},"
                    + "\"logprobs\":null,\"finish_reason\":null}]}",
            HEAD + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"},"
                    + "{\"index\":1,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}",
            HEAD + "[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":8,\"audio_tokens\":0},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":5,\"audio_tokens\":0,"
                    + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}");

    static FakeUpstream upstream;
    static GatewayServer server;
    static OpenAIClient openai;

    static String logprob(String token, double logprob) {
        return "{\"token\":" + Reply.quote(token) + ",\"logprob\":" + logprob + ",\"bytes\":null,"
                + "\"top_logprobs\":[{\"token\":" + Reply.quote(token) + ",\"logprob\":" + logprob
                + ",\"bytes\":null}]}";
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        server = GatewayServer.start(Map.of("models.providers.fake.baseUrl", upstream.baseUrl(),
                "agents.main.model", "fake/some-model", "agents.echo.model", "echo/echo"));
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
    void twoChoices() {
        upstream.reply(TWO_CHOICES);
        upstream.pollRequestBodies();
    }

    private static ChatCompletionCreateParams.Builder twoOf(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("hello").n(2L).logprobs(true)
                .topLogprobs(1L);
    }

    private static void assertUsageDetails(CompletionUsage usage) {
        assertEquals(21, usage.totalTokens());
        assertEquals(8, usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
        assertEquals(5, usage.completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow());
    }

    private static List<String> tokens(List<ChatCompletionTokenLogprob> logprobs) {
        return logprobs.stream().map(l -> l.token() + "=" + l.logprob()).toList();
    }

    @Test
    void aBlockingClientGetsBothChoicesWithLogprobsRefusalAnnotationsAndUsageDetails() {
        ChatCompletion c = openai.chat().completions().create(twoOf("openclaw:main").build());
        assertEquals(2, c.choices().size());
        ChatCompletion.Choice first = c.choices().get(0);
        ChatCompletion.Choice second = c.choices().get(1);
        assertEquals(List.of(0L, 1L), List.of(first.index(), second.index()));
        assertEquals("Hi there", first.message().content().orElseThrow());
        assertEquals(List.of("Hi=-0.25", " there=-1.5"), tokens(first.logprobs().orElseThrow().content()
                .orElseThrow()));
        assertEquals("https://example.com/a", first.message().annotations().orElseThrow().get(0).urlCitation()
                .url());
        assertEquals("I can't help with that.", second.message().refusal().orElseThrow());
        assertEquals(List.of("I can't=-0.5"), tokens(second.logprobs().orElseThrow().refusal().orElseThrow()));
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, second.finishReason());
        assertEquals("fp_up_1", c.systemFingerprint().orElseThrow());
        assertEquals(ChatCompletion.ServiceTier.DEFAULT, c.serviceTier().orElseThrow());
        assertEquals("openclaw:main", c.model(), "the model the client named");
        assertUsageDetails(c.usage().orElseThrow());
    }

    @Test
    void aStreamingClientGetsEveryChunkOfBothChoicesWithLogprobsRefusalAndUsageDetails() {
        Map<Long, StringBuilder> text = new TreeMap<>();
        Map<Long, StringBuilder> refusal = new TreeMap<>();
        Map<Long, List<String>> logprobs = new TreeMap<>();
        Map<Long, Integer> finishes = new TreeMap<>();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
                twoOf("openclaw:main").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    c.delta().content().ifPresent(t -> text.computeIfAbsent(c.index(), i -> new StringBuilder())
                            .append(t));
                    c.delta().refusal().ifPresent(t -> refusal.computeIfAbsent(c.index(),
                            i -> new StringBuilder()).append(t));
                    c.logprobs().ifPresent(l -> {
                        l.content().ifPresent(list -> logprobs.computeIfAbsent(c.index(), i -> new ArrayList<>())
                                .addAll(tokens(list)));
                        l.refusal().ifPresent(list -> logprobs.computeIfAbsent(c.index(), i -> new ArrayList<>())
                                .addAll(tokens(list)));
                    });
                    c.finishReason().ifPresent(f -> finishes.merge(c.index(), 1, Integer::sum));
                }
            });
        }
        assertEquals("Hi there", text.get(0L).toString());
        assertEquals("I can't help with that.", refusal.get(1L).toString());
        assertEquals(Map.of(0L, List.of("Hi=-0.25", " there=-1.5"), 1L, List.of("I can't=-0.5")), logprobs);
        assertEquals(Map.of(0L, 1, 1L, 1), finishes, "one finish chunk per choice");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertUsageDetails(last.usage().orElseThrow());
        assertEquals("fp_up_1", chunks.get(chunks.size() - 2).systemFingerprint().orElseThrow());
    }

    @Test
    void theEchoAnswersNChoicesStreamingAndNot() {
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("openclaw:echo").addUserMessage("two please").n(3L).build());
        assertEquals(List.of("echo: two please", "echo: two please", "echo: two please"),
                c.choices().stream().map(ch -> ch.message().content().orElseThrow()).toList());
        assertEquals(List.of(0L, 1L, 2L), c.choices().stream().map(ChatCompletion.Choice::index).toList());
        assertEquals(9, c.usage().orElseThrow().completionTokens(), "three words in each of three choices");

        Map<Long, StringBuilder> text = new TreeMap<>();
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("openclaw:echo").addUserMessage("two please").n(2L)
                        .build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(
                    t -> text.computeIfAbsent(ch.index(), i -> new StringBuilder()).append(t))));
        }
        assertEquals("{0=echo: two please, 1=echo: two please}", text.toString());
    }

    @Test
    void aSessionKeepsChoiceZeroOnly() throws Exception {
        String user = "choices-" + System.nanoTime();
        server.api().body("{\"user\":\"" + user + "\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        upstream.reply(Reply.sse(Reply.content("fine"), Reply.finish("stop")));
        server.api().body("{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        upstream.nextRequest();
        FakeUpstream.Received second = upstream.nextRequest();
        assertNotNull(second);
        JsonArray messages = Json.createReader(new StringReader(second.body())).readObject().getJsonArray("messages");
        assertEquals(List.of("user:a", "assistant:Hi there", "user:b"), messages.stream()
                .map(m -> ((JsonObject) m).getString("role") + ":" + ((JsonObject) m).getString("content"))
                .toList());
    }
}
