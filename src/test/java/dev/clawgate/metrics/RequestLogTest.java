package dev.clawgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.JulCapture;
import dev.clawgate.Logfmt;
import dev.clawgate.events.RequestRecord;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class RequestLogTest {
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final Clock CLOCK = Clock.fixed(AT, ZoneOffset.UTC);
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static RequestRecord ok(String id) {
        return new RequestRecord(id, "main", "stateless", true, 200, "ok", null, 12_345_678L, 2_500_000L, 3, 4,
                "operator", "operator", null, TRACE, "echo/echo", null);
    }

    private static RequestRecord upstreamDown(String caller) {
        return new RequestRecord("req_2", "up", "user", false, 502, "error", "api_error", 1_000_000L, -1, 0, 0,
                caller, "other", "upstream_unavailable", "", "ollama/llama3.2", "connect");
    }

    @Test
    void aLogfmtLineNamesEveryFieldInOrder() {
        assertEquals("time=2026-01-02T03:04:05.678Z request_id=req_1 trace_id=" + TRACE + " caller=operator"
                + " agent=main model=echo/echo session=stateless stream=true status=200 outcome=ok error="
                + " duration_ms=12 ttft_ms=2 prompt_tokens=3 completion_tokens=4 tool_rounds=0",
                AccessLine.logfmt(AT, ok("req_1")));
    }

    @Test
    void theToolRoundsOfARunEndBothLineFormats() {
        RequestRecord r = new RequestRecord("req_t", "main", "stateless", false, 200, "ok", null, 12_345_678L,
                2_500_000L, 30, 40, "operator", "operator", null, "", "fake/m", null, 2);
        assertTrue(AccessLine.logfmt(AT, r).endsWith(" prompt_tokens=30 completion_tokens=40 tool_rounds=2"));
        assertEquals(2, Json.createReader(new StringReader(AccessLine.json(AT, r))).readObject().getInt("tool_rounds"));
    }

    @Test
    void aWholeSecondStillHasThreeFractionDigits() {
        assertTrue(AccessLine.logfmt(Instant.parse("2026-01-02T03:04:05Z"), ok("r"))
                .startsWith("time=2026-01-02T03:04:05.000Z "));
        assertTrue(AccessLine.json(Instant.parse("2026-01-02T03:04:05.100200Z"), ok("r"))
                .startsWith("{\"time\":\"2026-01-02T03:04:05.100Z\","));
    }

    @Test
    void aFailedRequestLogsTheErrorCodeNotItsTypeAndEmptyTtftAndTrace() {
        Map<String, String> f = Logfmt.parse(AccessLine.logfmt(AT, upstreamDown("operator")));
        assertEquals("upstream_unavailable", f.get("error"));
        assertEquals("", f.get("ttft_ms"));
        assertEquals("", f.get("trace_id"));
        assertEquals("502", f.get("status"));
        assertEquals("ollama/llama3.2", f.get("model"));
        assertEquals(List.of("time", "request_id", "trace_id", "caller", "agent", "model", "session", "stream",
                "status", "outcome", "error", "duration_ms", "ttft_ms", "prompt_tokens", "completion_tokens",
                "tool_rounds"),
                List.copyOf(f.keySet()));
    }

    @Test
    void aCallerWithSpacesQuotesOrNewlinesStaysOnOneLineAndReadsBack() {
        String caller = "team \"a\"=x\nforged=1\\";
        String line = AccessLine.logfmt(AT, upstreamDown(caller));
        assertFalse(line.contains("\n"), line);
        Map<String, String> f = Logfmt.parse(line);
        assertEquals(caller, f.get("caller"));
        assertFalse(f.containsKey("forged"));
        String json = AccessLine.json(AT, upstreamDown(caller));
        assertFalse(json.contains("\n"), json);
        assertEquals(caller, Json.createReader(new StringReader(json)).readObject().getString("caller"));
    }

    @Test
    void aJsonLineIsOneObjectWithNumbersAndNullsForWhatIsMissing() {
        JsonObject o = Json.createReader(new StringReader(AccessLine.json(AT, upstreamDown("operator")))).readObject();
        assertEquals("2026-01-02T03:04:05.678Z", o.getString("time"));
        assertEquals("req_2", o.getString("request_id"));
        assertTrue(o.isNull("trace_id"));
        assertEquals("operator", o.getString("caller"));
        assertEquals("up", o.getString("agent"));
        assertEquals("ollama/llama3.2", o.getString("model"));
        assertEquals(false, o.getBoolean("stream"));
        assertEquals(502, o.getInt("status"));
        assertEquals("error", o.getString("outcome"));
        assertEquals("upstream_unavailable", o.getString("error"));
        assertEquals(1, o.getInt("duration_ms"));
        assertTrue(o.isNull("ttft_ms"));
        assertEquals(0, o.getInt("prompt_tokens"));
        JsonObject okLine = Json.createReader(new StringReader(AccessLine.json(AT, ok("r")))).readObject();
        assertEquals(TRACE, okLine.getString("trace_id"));
        assertTrue(okLine.isNull("error"));
        assertEquals(2, okLine.getInt("ttft_ms"));
    }

    @Test
    void everyRequestIsItsOwnRecordWithTheFinishTimeAndASourceSoShippersReadWholeLines() {
        List<LogRecord> records;
        try (JulCapture capture = JulCapture.of(RequestLog.LOGGER, Level.INFO)) {
            RequestLog log = new RequestLog(CLOCK, false);
            for (int i = 0; i < 100; i++) {
                log.add(ok("req_" + i));
            }
            log.close();
            records = capture.records();
        }
        assertEquals(100, records.size());
        for (int i = 0; i < 100; i++) {
            LogRecord r = records.get(i);
            assertFalse(r.getMessage().contains("\n"), r.getMessage());
            assertEquals("req_" + i, Logfmt.parse(r.getMessage()).get("request_id"));
            assertEquals(AT, r.getInstant());
            assertEquals(RequestLog.LOGGER, r.getSourceClassName());
            assertEquals("chat", r.getSourceMethodName());
            assertEquals(Level.INFO, r.getLevel());
        }
    }

    @Test
    void jsonFormatWritesOneJsonObjectPerRecord() {
        try (JulCapture capture = JulCapture.of(RequestLog.LOGGER, Level.INFO)) {
            RequestLog log = new RequestLog(CLOCK, true);
            log.add(ok("req_j"));
            log.close();
            assertEquals(1, capture.records().size());
            assertEquals("req_j", Json.createReader(new StringReader(capture.messages().get(0))).readObject()
                    .getString("request_id"));
        }
    }

    @Test
    void nothingIsQueuedWhileTheAccessLoggerIsOff() {
        Logger logger = Logger.getLogger(RequestLog.LOGGER);
        Level before = logger.getLevel();
        logger.setLevel(Level.WARNING);
        try (JulCapture capture = JulCapture.of(RequestLog.LOGGER, Level.ALL)) {
            RequestLog log = new RequestLog(CLOCK, false);
            log.add(ok("req_off"));
            log.close();
            assertEquals(List.of(), capture.records());
        } finally {
            logger.setLevel(before);
        }
    }

    @Test
    void whenTheHandlersFallBehindTheQueueIsBoundedAndTheDroppedLinesAreCountedInOneWarning() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Handler slow = new Handler() {
            @Override
            public void publish(LogRecord r) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(RequestLog.LOGGER);
        logger.addHandler(slow);
        try (JulCapture capture = JulCapture.of(RequestLog.LOGGER, Level.INFO)) {
            RequestLog log = new RequestLog(CLOCK, false);
            log.add(ok("first"));
            entered.await(); // the log thread holds "first" in the slow handler; the queue is empty
            for (int i = 0; i < RequestLog.MAX_PENDING + 3; i++) {
                log.add(ok("req_" + i));
            }
            logger.removeHandler(slow);
            release.countDown();
            log.close();
            List<LogRecord> records = capture.records();
            assertEquals(RequestLog.MAX_PENDING + 1 + 1, records.size());
            LogRecord warning = records.get(records.size() - 1);
            assertEquals(Level.WARNING, warning.getLevel());
            assertTrue(warning.getMessage().startsWith("clawgate: 3 access log lines dropped"), warning.getMessage());
        } finally {
            logger.removeHandler(slow);
            release.countDown();
        }
    }
}
