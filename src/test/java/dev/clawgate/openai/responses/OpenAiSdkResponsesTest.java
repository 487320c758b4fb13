package dev.clawgate.openai.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseError;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.sun.net.httpserver.HttpServer;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official openai-java client (4.101.0) against this package's wire layer: its model classes validate every
 * response shape and stream event, and its {@code responses().create} / {@code createStreaming} work against a
 * loopback server that parses each request with {@link ResponsesRequestParser} and answers through
 * {@link ResponseBuilder} / {@link ResponseEventWriter} with a scripted run: a user turn with tools gets a
 * {@code get_weather} call, any other turn gets text.
 */
class OpenAiSdkResponsesTest {
    static final JsonMapper MAPPER = ObjectMappers.jsonMapper();
    static final List<ResponsesRequest> RECEIVED = new CopyOnWriteArrayList<>();
    static HttpServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/responses", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            ResponsesRequest request = new ResponsesRequestParser().parse(body, body.length);
            RECEIVED.add(request);
            ResponseBuilder response = new ResponseBuilder(request, 1700000000L, ResponseIds.RANDOM);
            byte[] out;
            if (request.stream()) {
                ResponseEventWriter events = new ResponseEventWriter(response);
                StringBuilder s = new StringBuilder(utf8(events.open()));
                run(request, text -> s.append(utf8(events.content(text))),
                        call -> s.append(utf8(events.toolCall(call))), events::finish);
                events.usage(Usage.of(11, 7));
                out = s.append(utf8(events.complete())).toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            } else {
                run(request, response::content, response::toolCall, response::finish);
                response.usage(Usage.of(11, 7));
                out = response.json().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(200, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .apiKey("test").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(0);
    }

    /** The scripted run: a get_weather call when tools are offered to a user turn, else text in two pieces. */
    static void run(ResponsesRequest request, Consumer<String> text, Consumer<ToolCallDelta> call,
                    Consumer<String> finish) {
        List<ChatMessage> messages = request.chat().messages();
        ChatMessage last = messages.get(messages.size() - 1);
        if (!request.tools().isEmpty() && last.role().equals("user")) {
            call.accept(new ToolCallDelta(0, "call_w1", "function", "get_weather", "{\"city\":"));
            call.accept(new ToolCallDelta(0, null, null, null, "\"Paris\"}"));
            finish.accept("tool_calls");
        } else {
            String answer = last.role().equals("tool") ? "It is " + last.text() + " in Paris." : "echo: " + last.text();
            int half = answer.length() / 2;
            text.accept(answer.substring(0, half));
            text.accept(answer.substring(half));
            finish.accept("stop");
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("Current weather").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                        .putAdditionalProperty("properties", com.openai.core.JsonValue.from(
                                Map.of("city", Map.of("type", "string")))).build())
                .build();
    }

    static String text(Response r) {
        StringBuilder b = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> b.append(t.text()))));
        }
        return b.toString();
    }

    @Test
    void theClientGetsABlockingTextResponseThatValidates() {
        Response r = client.responses().create(ResponseCreateParams.builder().model("openclaw:main")
                .input("hello sdk").instructions("Be brief.").build());
        r.validate();
        assertTrue(r.id().startsWith("resp_"), r.id());
        assertEquals(ResponseStatus.COMPLETED, r.status().orElseThrow());
        assertEquals("openclaw:main", r.model().asString());
        assertEquals("echo: hello sdk", text(r));
        assertEquals(18, r.usage().orElseThrow().totalTokens());
        assertEquals("Be brief.", r.instructions().orElseThrow().asString());
        assertEquals("echo: hello sdk", r._allProperties().get("output_text").asStringOrThrow());
    }

    @Test
    void aFunctionToolRoundTripsThroughFunctionCallOutput() {
        Response first = client.responses().create(ResponseCreateParams.builder().model("openclaw")
                .input("weather in Paris?").addTool(weatherTool()).build());
        first.validate();
        ResponseFunctionToolCall call = first.output().get(0).functionCall().orElseThrow();
        assertEquals("call_w1", call.callId());
        assertEquals("get_weather", call.name());
        assertEquals("{\"city\":\"Paris\"}", call.arguments());
        assertTrue(call.id().orElseThrow().startsWith("fc_"));
        ResponsesRequest sent = RECEIVED.get(RECEIVED.size() - 1);
        assertEquals("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Current weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}},\"strict\":false}}]",
                sent.chat().upstreamParams().get("tools").toString());

        Response second = client.responses().create(ResponseCreateParams.builder().model("openclaw")
                .previousResponseId(first.id()).addTool(weatherTool())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCall(call),
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                .callId(call.callId()).output("18C").build()))).build());
        second.validate();
        assertEquals("It is 18C in Paris.", text(second));
        assertEquals(first.id(), second.previousResponseId().orElseThrow());
        List<ChatMessage> messages = RECEIVED.get(RECEIVED.size() - 1).chat().messages();
        assertEquals(List.of("assistant", "tool"), messages.stream().map(ChatMessage::role).toList());
        assertEquals("call_w1", messages.get(0).toolCalls().get(0).id());
        assertEquals("call_w1", messages.get(1).toolCallId());
    }

    @Test
    void theClientStreamsTextAndItsAccumulatorRebuildsTheResponse() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        int[] events = {0};
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("openclaw").input("stream me").build())) {
            stream.stream().forEach(event -> {
                event.validate();
                accumulator.accumulate(event);
                events[0]++;
                event.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
            });
        }
        assertEquals("echo: stream me", deltas.toString());
        assertEquals(10, events[0], "created, in_progress, item+part added, 2 deltas, text+part+item done, completed");
        Response r = accumulator.response();
        assertEquals(ResponseStatus.COMPLETED, r.status().orElseThrow());
        assertEquals("echo: stream me", text(r));
    }

    @Test
    void theClientStreamsAToolCallWithArgumentDeltas() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        StringBuilder args = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("openclaw").input("weather?").addTool(weatherTool()).build())) {
            stream.stream().forEach(event -> {
                event.validate();
                accumulator.accumulate(event);
                event.functionCallArgumentsDelta().ifPresent(d -> args.append(d.delta()));
            });
        }
        assertEquals("{\"city\":\"Paris\"}", args.toString());
        ResponseFunctionToolCall call = accumulator.response().output().get(0).functionCall().orElseThrow();
        assertEquals("{\"city\":\"Paris\"}", call.arguments());
        assertEquals("call_w1", call.callId());
    }

    @Test
    void incompleteAndFailedObjectsValidateWithTheSdksKnownValues() throws IOException {
        ResponseBuilder cut = ResponseBuilderTest.builder("{\"input\":\"hi\",\"max_output_tokens\":1}");
        cut.content("Once");
        cut.finish("length");
        Response incomplete = MAPPER.readValue(cut.json(), Response.class).validate();
        assertEquals(ResponseStatus.INCOMPLETE, incomplete.status().orElseThrow());
        assertEquals(Response.IncompleteDetails.Reason.Known.MAX_OUTPUT_TOKENS,
                incomplete.incompleteDetails().orElseThrow().reason().orElseThrow().known());
        assertEquals(1L, incomplete.maxOutputTokens().orElseThrow());

        ResponseBuilder broken = ResponseBuilderTest.builder("{\"input\":\"hi\"}");
        broken.error(new ApiException(429, "rate_limit_error", null, "rate_limit_exceeded", "Slow down."));
        Response failed = MAPPER.readValue(broken.json(), Response.class).validate();
        assertEquals(ResponseStatus.FAILED, failed.status().orElseThrow());
        assertEquals(ResponseError.Code.Known.RATE_LIMIT_EXCEEDED, failed.error().orElseThrow().code().known());
        assertEquals("Slow down.", failed.error().orElseThrow().message());
    }

    @Test
    void everyStreamEventOfEveryEndingValidatesAndNamesItsOwnType() throws IOException {
        List<String> streams = new ArrayList<>();
        streams.add(ResponseEventWriterTest.TEXT_REPLY);
        streams.add(ResponseEventWriterTest.TOOL_CALL_REPLY);
        ResponseEventWriter cut = ResponseEventWriterTest.writer("{\"input\":\"hi\"}");
        streams.add(utf8(cut.content("Once")) + utf8(cut.toolCall(new ToolCallDelta(0, "c", "function", "f", "{")))
                + cutEnd(cut));
        ResponseEventWriter broken = ResponseEventWriterTest.writer("{\"input\":\"hi\"}");
        streams.add(utf8(broken.content("partial")) + utf8(broken.error(ApiException.internal())));
        for (String stream : streams) {
            for (String frame : stream.split("\n\n")) {
                String[] lines = frame.split("\n");
                assertEquals(2, lines.length, frame);
                String type = lines[0].substring("event: ".length());
                String data = lines[1].substring("data: ".length());
                ResponseStreamEvent event = MAPPER.readValue(data, ResponseStreamEvent.class).validate();
                assertEquals(type, MAPPER.readTree(data).get("type").asText());
                assertTrue(event.isValid(), type);
            }
        }
    }

    private static String cutEnd(ResponseEventWriter w) {
        w.finish("length");
        return utf8(w.complete());
    }
}
