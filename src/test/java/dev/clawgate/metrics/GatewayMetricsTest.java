package dev.clawgate.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.events.RequestRecord;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

public class GatewayMetricsTest {
    private final GatewayMetrics metrics = new GatewayMetrics(List.of("main", "coder"));

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Asserts the exposition holds every one of {@code lines} (series and value). */
    public static void assertExposes(String text, String... lines) {
        for (String line : lines) {
            assertTrue(text.contains(line), () -> "missing " + line + " in\n" + text);
        }
    }

    private static RequestRecord record(String agent, boolean stream, int status, String outcome, long ttftNanos) {
        return new RequestRecord("req-secret-id", agent, "user", stream, status, outcome,
                "ok".equals(outcome) ? null : "api_error", 1_500_000_000L, ttftNanos, 7, 11);
    }

    @Test
    void aFinishedRequestMovesTheRequestDurationTtftAndTokenSeries() throws IOException {
        metrics.requestFinished(record("coder", true, 200, "ok", 20_000_000L));
        String text = scrape();
        assertExposes(text,
                "clawgate_requests_total{agent=\"coder\",key=\"operator\",outcome=\"ok\",status=\"200\",stream=\"true\"} 1.0",
                "clawgate_request_duration_seconds_count{agent=\"coder\",stream=\"true\"} 1",
                "clawgate_request_duration_seconds_bucket{agent=\"coder\",stream=\"true\",le=\"2.5\"} 1",
                "clawgate_request_duration_seconds_bucket{agent=\"coder\",stream=\"true\",le=\"1.0\"} 0",
                "clawgate_time_to_first_token_seconds_bucket{agent=\"coder\",stream=\"true\",le=\"0.025\"} 1",
                "clawgate_prompt_tokens_total{agent=\"coder\"} 7.0",
                "clawgate_completion_tokens_total{agent=\"coder\"} 11.0");
    }

    @Test
    void errorsAndCancelledRunsGetTheirOwnOutcomeAndStatus() throws IOException {
        metrics.requestFinished(record("main", false, 504, "timeout", -1));
        metrics.requestFinished(record("main", true, 200, "cancelled", -1));
        String text = scrape();
        assertExposes(text,
                "clawgate_requests_total{agent=\"main\",key=\"operator\",outcome=\"timeout\",status=\"504\",stream=\"false\"} 1.0",
                "clawgate_requests_total{agent=\"main\",key=\"operator\",outcome=\"cancelled\",status=\"200\",stream=\"true\"} 1.0",
                "clawgate_cancelled_runs_total{agent=\"main\"} 1.0",
                "clawgate_time_to_first_token_seconds_count{agent=\"main\",stream=\"false\"} 0");
    }

    @Test
    void openStreamsRiseAndFallWithTheStreams() throws IOException {
        metrics.streamOpened("main");
        metrics.streamOpened("main");
        metrics.streamClosed("main");
        assertTrue(scrape().contains("clawgate_open_streams{agent=\"main\"} 1.0"));
    }

    @Test
    void authLockoutRateLimitAndUpstreamErrorsAreCounted() throws IOException {
        metrics.authFailed();
        metrics.authFailed();
        metrics.authLockedOut();
        metrics.rateLimited();
        metrics.upstreamError("main", "status_5xx");
        String text = scrape();
        assertExposes(text,
                "clawgate_auth_failures_total 2.0",
                "clawgate_auth_lockouts_total 1.0",
                "clawgate_rate_limited_total 1.0",
                "clawgate_upstream_errors_total{agent=\"main\",kind=\"status_5xx\"} 1.0");
    }

    @Test
    void noRequestIdSessionOrUnknownAgentBecomesALabel() throws IOException {
        metrics.requestFinished(record("not-configured", true, 200, "ok", 1));
        metrics.upstreamError("not-configured", "connect");
        metrics.streamOpened("not-configured");
        String text = scrape();
        assertFalse(text.contains("not-configured"), text);
        assertFalse(text.contains("req-secret-id"), text);
    }

    @Test
    void recordingStartsNoThreadThatWouldOutliveAnUndeploy() throws IOException {
        metrics.requestFinished(record("main", true, 200, "ok", 5_000_000L));
        metrics.streamOpened("main");
        metrics.authFailed();
        scrape();
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("prometheus-metrics")), "the client's exemplar timer started");
    }

    @Test
    void theJvmHeapAndThreadSeriesOfTheDashboardAreExposed() throws IOException {
        String text = scrape();
        assertTrue(text.matches("(?s).*\njvm_memory_used_bytes\\{area=\"heap\"} [1-9].*"), text);
        assertTrue(text.matches("(?s).*\njvm_memory_max_bytes\\{area=\"heap\"} .*"), text);
        assertTrue(text.matches("(?s).*\njvm_threads_current [1-9].*"), text);
        assertTrue(text.contains("jvm_threads_state{state=\"BLOCKED\"}"), text);
    }

    @Test
    void eachGatewayHasItsOwnRegistrySoARedeployStartsClean() throws IOException {
        metrics.authFailed();
        GatewayMetrics redeployed = new GatewayMetrics(List.of("main"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, redeployed.registry().scrape());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("clawgate_auth_failures_total 0.0"));
    }

    @Test
    void toolCallsAreCountedByAgentServerToolAndOutcomeWithDeclaredServersOnly() throws IOException {
        GatewayMetrics m = new GatewayMetrics(List.of("main"), List.of(), List.of("everything"));
        m.mcpServerChanged("everything", true);
        m.toolCalled("main", "everything", "echo", "ok", 250_000_000L);
        m.toolCalled("main", "everything", "echo", "timeout", 2_000_000_000L);
        m.toolCalled("main", "elsewhere", "rm", "unknown_tool", 1_000L);
        m.toolCalled("stranger", "everything", "echo", "ok", 1_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, m.registry().scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        assertExposes(text,
                "clawgate_tool_calls_total{agent=\"main\",outcome=\"ok\",server=\"everything\",tool=\"echo\"} 1.0",
                "clawgate_tool_calls_total{agent=\"main\",outcome=\"timeout\",server=\"everything\",tool=\"echo\"} 1.0",
                "clawgate_tool_calls_total{agent=\"main\",outcome=\"unknown_tool\",server=\"_unknown\","
                        + "tool=\"_unknown\"} 1.0",
                "clawgate_tool_call_duration_seconds_bucket{server=\"everything\",tool=\"echo\",le=\"0.25\"} 1",
                "clawgate_tool_call_duration_seconds_count{server=\"everything\",tool=\"echo\"} 2",
                "clawgate_mcp_server_up{server=\"everything\"} 1.0");
        assertFalse(text.contains("elsewhere"), text);
        assertFalse(text.contains("stranger"), text);
    }

    @Test
    void aServerThatKeepsRenamingItsToolsCannotGrowTheToolSeriesPastTheCap() throws IOException {
        GatewayMetrics m = new GatewayMetrics(List.of("main"), List.of(), List.of("s"));
        for (int i = 0; i < GatewayMetrics.MAX_TOOL_LABELS + 10; i++) {
            m.toolCalled("main", "s", "tool" + i, "ok", 1_000L);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, m.registry().scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        assertExposes(text, "clawgate_tool_calls_total{agent=\"main\",outcome=\"ok\",server=\"s\",tool=\"_other\"} 10.0");
        assertFalse(text.contains("tool=\"tool" + GatewayMetrics.MAX_TOOL_LABELS + "\""));
    }
}
