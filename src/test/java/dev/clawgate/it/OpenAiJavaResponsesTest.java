package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static dev.clawgate.it.Reply.role;
import static dev.clawgate.it.Reply.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official openai-java client's {@code responses()} against the WAR in embedded Jetty: blocking and streaming
 * from the echo agent, a function tool round trip through an upstream agent ({@code function_call_output} with
 * {@code previous_response_id}), a conversation continued by id, and {@code retrieve}. Every response and event is
 * validated by the SDK's own model classes.
 */
class OpenAiJavaResponsesTest {
    static FakeUpstream upstream;
    static GatewayServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        server = GatewayServer.start("models.providers.fake.baseUrl", upstream.baseUrl(),
                "agents.main.model", "echo/echo", "agents.tools.model", "fake/some-model");
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey(GatewayServer.TOKEN)
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
        upstream.close();
    }

    static String text(Response r) {
        StringBuilder b = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> b.append(t.text()))));
        }
        return b.toString();
    }

    static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("Current weather").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                        .putAdditionalProperty("properties", com.openai.core.JsonValue.from(
                                Map.of("city", Map.of("type", "string")))).build())
                .build();
    }

    @Test
    void theSdkGetsABlockingResponseFromTheEchoAgent() {
        Response r = client.responses().create(ResponseCreateParams.builder().model("openclaw:main")
                .input("hello sdk").instructions("Be brief.").build()).validate();
        assertTrue(r.id().startsWith("resp_"), r.id());
        assertEquals(ResponseStatus.COMPLETED, r.status().orElseThrow());
        assertEquals("openclaw:main", r.model().asString());
        assertEquals("echo: hello sdk", text(r));
        assertEquals("Be brief.", r.instructions().orElseThrow().asString());
        assertEquals(2 + 2, r.usage().orElseThrow().inputTokens(), "instructions and input reach the echo agent");
    }

    @Test
    void theSdkStreamsAndItsAccumulatorRebuildsTheResponse() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        List<String> types = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("openclaw").input("stream me please").build())) {
            stream.stream().forEach(event -> {
                event.validate();
                accumulator.accumulate(event);
                types.add(event.isCompleted() ? "completed" : event.isCreated() ? "created" : "other");
                event.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
            });
        }
        assertEquals("echo: stream me please", deltas.toString());
        assertEquals("created", types.get(0));
        assertEquals("completed", types.get(types.size() - 1));
        Response r = accumulator.response();
        assertEquals("echo: stream me please", text(r));
        assertEquals(r.id(), client.responses().retrieve(r.id()).id(), "a streamed response is stored too");
    }

    @Test
    void aFunctionToolRoundTripsThroughFunctionCallOutputAndPreviousResponseId() throws Exception {
        upstream.reply(ResponsesTest.TOOL);
        Response first = client.responses().create(ResponseCreateParams.builder().model("openclaw:tools")
                .input("weather in Paris?").addTool(weatherTool()).build()).validate();
        ResponseFunctionToolCall call = first.output().get(0).functionCall().orElseThrow();
        assertEquals("call_w", call.callId());
        assertEquals("get_weather", call.name());
        assertEquals("{\"city\":\"Paris\"}", call.arguments());
        upstream.nextRequest();

        upstream.reply(Reply.sse(role(), content("It is 18C"), content(" in Paris."), finish("stop"),
                usage(30, 6, null)));
        Response second = client.responses().create(ResponseCreateParams.builder().model("openclaw:tools")
                .previousResponseId(first.id()).addTool(weatherTool())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(
                        ResponseInputItem.FunctionCallOutput.builder().callId(call.callId()).output("18C")
                                .build()))).build()).validate();
        assertEquals("It is 18C in Paris.", text(second));
        assertEquals(first.id(), second.previousResponseId().orElseThrow());
        // the upstream got the whole conversation: the question, the call and its result
        String sent = upstream.nextRequest().body();
        assertTrue(sent.startsWith("{\"model\":\"some-model\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"weather in Paris?\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_w\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                + "\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},{\"role\":\"tool\",\"content\":\"18C\","
                + "\"tool_call_id\":\"call_w\"}],"), sent);
    }

    @Test
    void aStreamedFunctionCallReachesTheSdkWithItsArguments() throws Exception {
        upstream.reply(ResponsesTest.TOOL);
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        StringBuilder args = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("openclaw:tools").input("weather?").addTool(weatherTool())
                        .build())) {
            stream.stream().forEach(event -> {
                event.validate();
                accumulator.accumulate(event);
                event.functionCallArgumentsDelta().ifPresent(d -> args.append(d.delta()));
            });
        }
        assertEquals("{\"city\":\"Paris\"}", args.toString());
        assertEquals("call_w", accumulator.response().output().get(0).functionCall().orElseThrow().callId());
        upstream.nextRequest();
    }

    @Test
    void aConversationContinuesByIdAndRetrieveReturnsTheStoredResponse() {
        Response first = client.responses().create(ResponseCreateParams.builder().input("a b").build());
        Response second = client.responses().create(ResponseCreateParams.builder().input("c")
                .previousResponseId(first.id()).build());
        assertEquals(6, second.usage().orElseThrow().inputTokens(), "2 + \"echo: a b\" + 1 words");
        Response fetched = client.responses().retrieve(second.id()).validate();
        assertEquals(second.id(), fetched.id());
        assertEquals("echo: c", text(fetched));
        assertThrows(NotFoundException.class, () -> client.responses().retrieve("resp_missing"));
        assertThrows(BadRequestException.class, () -> client.responses().create(ResponseCreateParams.builder()
                .input("x").previousResponseId("resp_missing").build()));
    }
}
