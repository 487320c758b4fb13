package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static dev.clawgate.it.Reply.role;
import static dev.clawgate.it.Reply.toolCall;
import static dev.clawgate.it.Reply.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real clients (openai-java, LangChain4j), blocking and streaming, through the gateway to the fake upstream. */
class UpstreamClientsTest {
    static FakeUpstream upstream;
    static GatewayServer server;
    static OpenAIClient openai;

    static final Reply TEXT = Reply.sse(role(), content("Bonjour"), content(", monde"), finish("stop"),
            usage(5, 2, null));
    static final Reply TOOL = Reply.sse(role(), toolCall(0, "call_w", "get_weather", "{\"ci"),
            toolCall(0, null, null, "ty\":\"Paris\"}"), finish("tool_calls"), usage(9, 4, null));

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        server = GatewayServer.start("models.providers.fake.baseUrl", upstream.baseUrl(),
                "agents.main.model", "fake/some-model");
        openai = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey(GatewayServer.TOKEN)
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        openai.close();
        server.close();
        upstream.close();
    }

    @Test
    void openAiJavaGetsABlockingAnswerWithToolCalls() {
        upstream.reply(TOOL);
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("openclaw:main").addUserMessage("weather in Paris?").build());
        ChatCompletionMessageFunctionToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0)
                .asFunction();
        assertEquals("call_w", call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals("{\"city\":\"Paris\"}", call.function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
        assertEquals(13, c.usage().orElseThrow().totalTokens());
    }

    @Test
    void openAiJavaStreamsTheUpstreamDeltas() {
        upstream.reply(TEXT);
        StringBuilder text = new StringBuilder();
        ChatCompletionChunk[] last = new ChatCompletionChunk[1];
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("openclaw").addUserMessage("salut")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                last[0] = chunk;
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
            });
        }
        assertEquals("Bonjour, monde", text.toString());
        assertEquals(7, last[0].usage().orElseThrow().totalTokens());
    }

    static OpenAiChatModel.OpenAiChatModelBuilder langChain() {
        return OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey(GatewayServer.TOKEN)
                .modelName("openclaw:main").maxRetries(0).timeout(Duration.ofSeconds(10));
    }

    @Test
    void langChain4jGetsABlockingAnswer() {
        upstream.reply(TEXT);
        ChatModel model = langChain().build();
        assertEquals("Bonjour, monde", model.chat("salut"));
    }

    @Test
    void langChain4jGetsToolExecutionRequests() {
        upstream.reply(TOOL);
        ChatModel model = langChain().build();
        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("weather in Paris?"))
                .toolSpecifications(ToolSpecification.builder().name("get_weather")
                        .parameters(JsonObjectSchema.builder().addStringProperty("city").build()).build())
                .build());
        List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
        assertEquals(1, calls.size());
        assertEquals("call_w", calls.get(0).id());
        assertEquals("get_weather", calls.get(0).name());
        assertEquals("{\"city\":\"Paris\"}", calls.get(0).arguments());
        assertTrue(upstream.pollRequestBodies().stream().anyMatch(b -> b.contains("\"name\":\"get_weather\"")),
                "the tool definition reached the upstream");
    }

    @Test
    void langChain4jStreamsTheUpstreamDeltas() throws Exception {
        upstream.reply(TEXT);
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl() + "/v1")
                .apiKey(GatewayServer.TOKEN).modelName("openclaw:main").timeout(Duration.ofSeconds(10)).build();
        StringBuilder partials = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("salut", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(10, TimeUnit.SECONDS);
        assertEquals("Bonjour, monde", partials.toString());
        assertEquals("Bonjour, monde", response.aiMessage().text());
    }
}
