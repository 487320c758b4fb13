package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChunkJson;
import dev.clawgate.time.FakeScheduler;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The SSE emitter on a fake clock: frames, headers, keepalives and its one end, without a container or a sleep. */
class SseEmitterTest {
    private static final String HEAD = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":7,\"model\":\"openclaw\",\"system_fingerprint\":null,\"choices\":";
    private static final String KEEPALIVE = ": keepalive\n\n";

    private final FakeScheduler time = new FakeScheduler();
    private final RecordingOutput out = new RecordingOutput();
    private final HttpServletResponse response = mock(HttpServletResponse.class);
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    private SseEmitter emitter(long heartbeatMs) {
        return new SseEmitter(response, out, new ChunkJson("chatcmpl-1", 7, "openclaw", false), false, time,
                heartbeatMs, opened::incrementAndGet, closed::incrementAndGet);
    }

    private static String choice(String delta, String finish) {
        return HEAD + "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish
                + "}]}\n\n";
    }

    @Test
    void openSendsTheSseHeadersAndTheRoleChunkThenDeltasFinishAndDone() {
        SseEmitter sse = emitter(15_000);
        sse.open();
        sse.content("hi");
        sse.finish("stop");
        sse.complete(new dev.clawgate.agent.AssistantReply(false));
        sse.close();

        verify(response).setStatus(200);
        verify(response).setContentType("text/event-stream; charset=utf-8");
        verify(response).setHeader("Cache-Control", "no-cache");
        verify(response).setHeader("X-Accel-Buffering", "no");
        assertEquals(List.of(choice("{\"role\":\"assistant\"}", "null"), choice("{\"content\":\"hi\"}", "null"),
                choice("{}", "\"stop\""), "data: [DONE]\n\n"), out.frames);
        assertTrue(out.closed);
        assertEquals(1, opened.get());
        assertEquals(1, closed.get());
    }

    @Test
    void aKeepaliveGoesOutOnlyAfterAWholeHeartbeatPeriodOfSilence() {
        SseEmitter sse = emitter(1_000);
        sse.open();
        time.advance(999, TimeUnit.MILLISECONDS);
        assertEquals(1, out.frames.size(), "not yet idle for a whole period");
        time.advance(1, TimeUnit.MILLISECONDS);
        assertEquals(KEEPALIVE, out.frames.get(1));

        time.advance(600, TimeUnit.MILLISECONDS);
        sse.content("word");
        time.advance(999, TimeUnit.MILLISECONDS);
        assertEquals(3, out.frames.size(), "a delta resets the idle time");
        time.advance(1, TimeUnit.MILLISECONDS);
        assertEquals(KEEPALIVE, out.frames.get(3));
        time.advance(3_000, TimeUnit.MILLISECONDS);
        assertEquals(7, out.frames.size(), "one keepalive per idle second");
    }

    @Test
    void noKeepaliveFollowsTheEndAndTheTimerIsGone() {
        SseEmitter sse = emitter(1_000);
        sse.open();
        sse.complete(new dev.clawgate.agent.AssistantReply(false));
        time.advance(10, TimeUnit.SECONDS);
        assertEquals("data: [DONE]\n\n", out.frames.get(out.frames.size() - 1));
        assertEquals(0, time.pending());
    }

    @Test
    void anErrorBeforeTheStreamOpenedIsAPlainJsonErrorWithItsStatus() {
        SseEmitter sse = emitter(1_000);
        sse.error(new ApiException(502, "api_error", null, "upstream_unavailable", "down"));
        verify(response).setStatus(502);
        verify(response, never()).setContentType("text/event-stream; charset=utf-8");
        assertEquals(List.of("{\"error\":{\"message\":\"down\",\"type\":\"api_error\",\"param\":null,"
                + "\"code\":\"upstream_unavailable\"}}"), out.frames);
        assertEquals(0, opened.get());
        assertEquals(0, closed.get(), "a stream that never opened is not counted as closed");
    }

    @Test
    void anErrorInAnOpenStreamIsAnErrorEventThenDone() {
        SseEmitter sse = emitter(1_000);
        sse.open();
        sse.error(new ApiException(504, "api_error", null, "timeout", "late"));
        assertEquals(List.of("data: {\"error\":{\"message\":\"late\",\"type\":\"api_error\",\"param\":null,"
                + "\"code\":\"timeout\"}}\n\n", "data: [DONE]\n\n"), out.frames.subList(1, 3));
        assertEquals(1, closed.get());
    }

    @Test
    void aClientThatWentAwayIsToldNothingAndTheHeartbeatStops() {
        SseEmitter sse = emitter(1_000);
        sse.open();
        sse.abandon();
        sse.abandon();
        time.advance(5, TimeUnit.SECONDS);
        assertEquals(1, out.frames.size());
        assertEquals(1, closed.get(), "closed once");
    }

    @Test
    void aKeepaliveThatFailsIsReportedAfterTheEmitterLetGoOfItsLock() {
        SseEmitter sse = emitter(1_000);
        sse.open();
        out.failing = true;
        time.advance(1, TimeUnit.SECONDS);
        assertEquals(1, out.failureReports);
        assertFalse(Thread.holdsLock(sse));
    }

    @Test
    void aProducerWaitsWhileTheClientIsBehind() {
        SseEmitter sse = emitter(1_000);
        out.behind = true;
        AtomicInteger resumed = new AtomicInteger();
        sse.whenReady(resumed::incrementAndGet);
        assertEquals(0, resumed.get());
        out.drain();
        assertEquals(1, resumed.get());
    }
}
