package dev.clawgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.clawgate.events.RequestRecord;
import dev.clawgate.time.Scheduler;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestLogTest {
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05.678Z");
    private final List<LogRecord> published = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            published.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Scheduler timer = mock(Scheduler.class);
    private final RequestLog log = new RequestLog(timer, Clock.fixed(AT, ZoneOffset.UTC));

    @BeforeEach
    void listen() {
        Logger.getLogger(RequestLog.LOGGER).addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger(RequestLog.LOGGER).removeHandler(capture);
    }

    private static RequestRecord ok(String id) {
        return new RequestRecord(id, "main", "stateless", true, 200, "ok", null, 12_345_678L, 2_500_000L, 3, 4);
    }

    @Test
    void lineNamesEveryFieldInOrderWithMillisecondsAndTokens() {
        assertEquals("chat time=2026-01-02T03:04:05.678Z request_id=req_1 caller=operator agent=main session=stateless stream=true"
                + " status=200 outcome=ok duration_ms=12 ttft_ms=2 prompt_tokens=3 completion_tokens=4 tool_rounds=0",
                RequestLog.line(AT, ok("req_1")));
    }

    @Test
    void failedRequestWithoutFirstTokenShowsErrorTypeAndDash() {
        RequestRecord r = new RequestRecord("req_2", "up", "user", false, 502, "error", "api_error", 1_000_000L, -1,
                0, 0);
        assertEquals("chat time=2026-01-02T03:04:05.678Z request_id=req_2 caller=operator agent=up session=user stream=false"
                + " status=502 outcome=error error=api_error duration_ms=1 ttft_ms=- prompt_tokens=0"
                + " completion_tokens=0 tool_rounds=0", RequestLog.line(AT, r));
    }

    @Test
    void aFullBatchIsPublishedAtOnceAsOneRecordWithOneLinePerRequest() {
        for (int i = 0; i < RequestLog.BATCH_LINES; i++) {
            log.add(ok("req_" + i));
        }
        assertEquals(1, published.size());
        String[] lines = published.get(0).getMessage().split("\n");
        assertEquals(RequestLog.BATCH_LINES, lines.length);
        assertTrue(lines[0].contains("request_id=req_0 "));
        assertTrue(lines[RequestLog.BATCH_LINES - 1].contains("request_id=req_" + (RequestLog.BATCH_LINES - 1) + " "));
        assertEquals(RequestLog.LOGGER, published.get(0).getSourceClassName());
    }

    @Test
    void aPartialBatchWaitsForTheTimedFlushAndThenGoesOut() {
        log.add(ok("req_a"));
        log.add(ok("req_b"));
        assertEquals(0, published.size());
        verify(timer, times(1)).schedule(any(Runnable.class), eq(RequestLog.FLUSH_MS), eq(TimeUnit.MILLISECONDS));
        log.flush();
        assertEquals(1, published.size());
        assertEquals(2, published.get(0).getMessage().split("\n").length);
        log.flush();
        assertEquals(1, published.size());
        verify(timer, times(1)).schedule(any(Runnable.class), anyLong(), any(TimeUnit.class));
    }
}
