package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import dev.clawgate.agent.AssistantReply;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.responses.ResponseBuilder;
import dev.clawgate.openai.responses.ResponsesRequestParser;
import dev.clawgate.time.FakeScheduler;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The {@code /v1/responses} reply sinks on a fake clock and a recording output: the end waits for the response to be
 * stored, the output closes after it, errors before and after the stream opened, keepalives.
 */
class ResponseSinksTest {
    private final FakeScheduler time = new FakeScheduler();
    private final RecordingOutput out = new RecordingOutput();
    private final HttpServletResponse http = mock(HttpServletResponse.class);
    private final AtomicInteger closedStreams = new AtomicInteger();
    private final List<String> stored = new ArrayList<>();

    private static ResponseBuilder response(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        int[] n = {0};
        return new ResponseBuilder(new ResponsesRequestParser().parse(b, b.length), 7, prefix -> prefix + ++n[0]);
    }

    private ResponseStreamSink stream(ResponseBuilder response, Function<String, CompletableFuture<Void>> store,
                                      long heartbeatMs) {
        SseStream sse = new SseStream(http, out, time, heartbeatMs, () -> { }, closedStreams::incrementAndGet);
        return new ResponseStreamSink(sse, out, response, new ResponseEnd(out, store == null ? null
                : json -> { stored.add(json); return store.apply(json); }));
    }

    private static String type(String frame) {
        return frame.substring("event: ".length(), frame.indexOf('\n'));
    }

    @Test
    void theTerminalEventWaitsUntilTheResponseIsStoredAndTheStreamClosesAfterIt() {
        CompletableFuture<Void> saved = new CompletableFuture<>();
        ResponseStreamSink sink = stream(response("{\"stream\":true,\"input\":\"hi\"}"), json -> saved, 15_000);
        sink.open();
        sink.content("hello");
        sink.finish("stop");
        sink.complete(new AssistantReply(false));
        sink.close();

        assertFalse(String.join("", out.frames).contains("response.completed"), "not before it is stored");
        assertFalse(out.closed);
        assertEquals(1, stored.size());
        assertTrue(stored.get(0).startsWith("{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":7,"
                + "\"status\":\"completed\","), stored.get(0));

        saved.complete(null);
        String last = out.frames.get(out.frames.size() - 1);
        assertTrue(last.endsWith("event: response.completed\ndata: {\"type\":\"response.completed\","
                + "\"sequence_number\":8,\"response\":" + stored.get(0) + "}\n\n"), last);
        assertTrue(out.closed);
        assertEquals(1, closedStreams.get());
    }

    @Test
    void aFailedStoreStillSendsTheBodyAndCloses() {
        ResponseJsonSink sink = new ResponseJsonSink(http, out, response("{\"input\":\"hi\"}"),
                new ResponseEnd(out, json -> CompletableFuture.failedFuture(new IllegalStateException("down"))), () -> { });
        sink.content("hello");
        sink.complete(new AssistantReply(false));
        sink.close();

        verify(http).setStatus(200);
        verify(http).setContentType("application/json; charset=utf-8");
        assertEquals(1, out.frames.size());
        assertTrue(out.frames.get(0).contains("\"output_text\":\"hello\""), out.frames.get(0));
        assertTrue(out.closed);
    }

    @Test
    void storeFalseSendsTheBodyAtOnceAndStoresNothing() {
        ResponseJsonSink sink = new ResponseJsonSink(http, out, response("{\"input\":\"hi\",\"store\":false}"),
                new ResponseEnd(out, null), () -> { });
        sink.complete(new AssistantReply(false));
        assertEquals(1, out.frames.size());
        assertFalse(out.closed, "closed by the run, after complete");
        sink.close();
        assertTrue(out.closed);
        assertEquals(List.of(), stored);
    }

    private static final ApiException BAD = new ApiException(502, "api_error", null, "upstream_error",
            "Upstream failed.");

    @Test
    void anErrorBeforeTheModelAnsweredIsAPlainJsonErrorWithItsStatus() {
        ResponseStreamSink early = stream(response("{\"stream\":true,\"input\":\"hi\"}"), null, 15_000);
        early.error(BAD);
        early.close();
        verify(http).setStatus(502);
        assertEquals(List.of(BAD.toJson()), out.frames);
        assertEquals(0, closedStreams.get(), "no stream was opened");
        assertTrue(out.closed);
    }

    @Test
    void anErrorAfterTheStreamOpenedClosesTheOpenItemAndEndsWithResponseFailed() {
        ResponseStreamSink late = stream(response("{\"stream\":true,\"input\":\"hi\"}"), null, 15_000);
        late.open();
        late.content("partial");
        late.error(BAD);
        List<String> events = List.of(String.join("", out.frames).split("\n\n"));
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.failed"),
                events.stream().map(ResponseSinksTest::type).toList());
        assertTrue(events.get(7).contains("\"status\":\"incomplete\""), "the open item ends incomplete");
        assertTrue(events.get(8).contains("\"status\":\"failed\",\"background\":false,\"error\":"
                + "{\"code\":\"server_error\",\"message\":\"Upstream failed.\"}"), events.get(8));
        assertEquals(1, closedStreams.get());
    }

    @Test
    void keepalivesFillAnIdleStreamUntilItStops() {
        ResponseStreamSink sink = stream(response("{\"stream\":true,\"input\":\"hi\"}"), null, 1_000);
        sink.open();
        time.advance(999, TimeUnit.MILLISECONDS);
        assertEquals(1, out.frames.size(), "not yet idle for a whole period");
        time.advance(1, TimeUnit.MILLISECONDS);
        assertEquals(": keepalive\n\n", out.frames.get(1));
        sink.abandon();
        time.advance(5_000, TimeUnit.MILLISECONDS);
        assertEquals(2, out.frames.size(), "no keepalive after the stream stopped");
    }
}
