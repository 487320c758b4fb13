package dev.clawgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.JulCapture;
import dev.clawgate.events.RequestRecord;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class UpstreamFailureLogTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final UpstreamFailureLog log = new UpstreamFailureLog(nanos::get);

    private static RequestRecord failed(String model, String kind, String code, String id) {
        return new RequestRecord(id, "main", "stateless", false, 502, "error", "api_error", 1, -1, 0, 0, "operator",
                "operator", code, "", model, kind);
    }

    private void advanceMs(long ms) {
        nanos.addAndGet(ms * 1_000_000);
    }

    private List<String> warnings(Runnable r) {
        try (JulCapture capture = JulCapture.of(UpstreamFailureLog.class.getName(), Level.WARNING)) {
            r.run();
            return capture.messages();
        }
    }

    @Test
    void aFailureLogsOneWarningNamingProviderKindAndCode() {
        List<String> w = warnings(() -> log.add(failed("ollama/llama3.2", "connect", "upstream_unavailable", "r1")));
        assertEquals(List.of("clawgate: upstream failure provider=ollama kind=connect agent=main status=502"
                + " error=upstream_unavailable request_id=r1"), w);
    }

    @Test
    void oneProviderGetsAtMostOneWarningPerTenSecondsAndTheNextCountsTheRest() {
        List<String> w = warnings(() -> {
            log.add(failed("ollama/m", "connect", "upstream_unavailable", "r1"));
            log.add(failed("ollama/m", "timeout", "upstream_timeout", "r2"));
            advanceMs(UpstreamFailureLog.INTERVAL_MS - 1);
            log.add(failed("ollama/m", "status_5xx", "upstream_error", "r3"));
            log.add(failed("openai/gpt", "status_429", "upstream_rate_limited", "r4"));
            advanceMs(1);
            log.add(failed("ollama/m", "connect", "upstream_unavailable", "r5"));
        });
        assertEquals(3, w.size(), w.toString());
        assertTrue(w.get(0).contains("provider=ollama kind=connect") && w.get(0).endsWith("request_id=r1"), w.get(0));
        assertTrue(w.get(1).contains("provider=openai kind=status_429"), w.get(1));
        assertTrue(w.get(2).contains("provider=ollama kind=connect") && w.get(2).endsWith("request_id=r5 suppressed=2"),
                w.get(2));
    }

    @Test
    void aRequestWhoseProviderDidNotFailLogsNothing() {
        RequestRecord clientError = new RequestRecord("r", "main", "stateless", false, 400, "error",
                "invalid_request_error", 1, -1, 0, 0, "operator", "operator", "invalid_value", "", "echo/echo", null);
        assertEquals(List.of(), warnings(() -> log.add(clientError)));
    }
}
