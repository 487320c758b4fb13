package dev.clawgate.metrics;

import dev.clawgate.events.RequestRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The text of one access-log line ({@code gateway.accessLog.format}): always a single line (every control character
 * in a value is escaped), never message content, a session key or a secret. Fields, in order:
 *
 * <pre>
 * time               when the request finished, ISO-8601 UTC with milliseconds
 * request_id         the x-request-id the client was given
 * trace_id           the W3C trace id sent upstream: the client's traceparent's, or the one the gateway started
 *                    (gateway.tracing.generate); empty when none
 * caller             who called: operator (the gateway's one token), or the key/user name once keys exist
 * agent              agent id
 * model              the agent's upstream model, provider/model
 * session            stateless | user | header
 * stream             true | false
 * status             HTTP status sent (200 for a stream that failed after its headers)
 * outcome            ok | error | cancelled | timeout
 * error              the OpenAI error code the client got (upstream_unavailable, timeout, ...), empty when none
 * duration_ms        request start to end
 * ttft_ms            request start to the first content or tool-call delta, empty when none
 * prompt_tokens      usage the model reported, 0 when unknown
 * completion_tokens  likewise (both summed over the model calls of a run with server tool rounds)
 * tool_rounds        rounds of the run that called server (MCP) tools, 0 when none
 * </pre>
 *
 * <p>{@link #logfmt}: {@code key=value} pairs separated by one space; a value with a space, {@code =}, {@code "},
 * {@code \} or a control character is double-quoted with {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t}
 * and {@code \}{@code uXXXX} escapes; an empty value is {@code key=}. {@link #json}: one JSON object, numbers and
 * booleans unquoted, an empty {@code error}, {@code trace_id} or {@code ttft_ms} as {@code null}.
 */
final class AccessLine {
    private AccessLine() {
    }

    static String logfmt(Instant at, RequestRecord r) {
        StringBuilder b = time(new StringBuilder(256).append("time="), at);
        pair(b, "request_id", r.requestId());
        pair(b, "trace_id", r.traceId());
        pair(b, "caller", r.caller());
        pair(b, "agent", r.agent());
        pair(b, "model", r.model());
        pair(b, "session", r.sessionKind());
        b.append(" stream=").append(r.stream()).append(" status=").append(r.status());
        pair(b, "outcome", r.outcome());
        pair(b, "error", errorCode(r));
        b.append(" duration_ms=").append(r.durationNanos() / 1_000_000).append(" ttft_ms=");
        if (r.ttftNanos() >= 0) {
            b.append(r.ttftNanos() / 1_000_000);
        }
        return b.append(" prompt_tokens=").append(r.promptTokens()).append(" completion_tokens=")
                .append(r.completionTokens()).append(" tool_rounds=").append(r.toolRounds()).toString();
    }

    static String json(Instant at, RequestRecord r) {
        StringBuilder b = time(new StringBuilder(320).append("{\"time\":\""), at).append('"');
        field(b, "request_id", r.requestId());
        field(b, "trace_id", r.traceId());
        field(b, "caller", r.caller());
        field(b, "agent", r.agent());
        field(b, "model", r.model());
        field(b, "session", r.sessionKind());
        b.append(",\"stream\":").append(r.stream()).append(",\"status\":").append(r.status());
        field(b, "outcome", r.outcome());
        field(b, "error", errorCode(r));
        b.append(",\"duration_ms\":").append(r.durationNanos() / 1_000_000).append(",\"ttft_ms\":");
        if (r.ttftNanos() >= 0) {
            b.append(r.ttftNanos() / 1_000_000);
        } else {
            b.append("null");
        }
        return b.append(",\"prompt_tokens\":").append(r.promptTokens()).append(",\"completion_tokens\":")
                .append(r.completionTokens()).append(",\"tool_rounds\":").append(r.toolRounds()).append('}')
                .toString();
    }

    /** ISO-8601 UTC with exactly three fraction digits ({@link Instant#toString} drops a zero fraction). */
    private static StringBuilder time(StringBuilder b, Instant at) {
        String t = at.truncatedTo(ChronoUnit.MILLIS).toString();
        return t.indexOf('.') < 0 ? b.append(t, 0, t.length() - 1).append(".000Z") : b.append(t);
    }

    /** The code the client was told; the type only when an error carried no code. */
    private static String errorCode(RequestRecord r) {
        return r.errorCode() != null ? r.errorCode() : r.errorType();
    }

    private static void pair(StringBuilder b, String key, String value) {
        b.append(' ').append(key).append('=');
        if (value == null || value.isEmpty()) {
            return;
        }
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f || Character.isSpaceChar(c);
        }
        if (!quote) {
            b.append(value);
            return;
        }
        b.append('"');
        escape(b, value);
        b.append('"');
    }

    private static void field(StringBuilder b, String key, String value) {
        b.append(",\"").append(key).append("\":");
        if (value == null || value.isEmpty()) {
            b.append("null");
            return;
        }
        b.append('"');
        escape(b, value);
        b.append('"');
    }

    /** JSON string escapes; also what logfmt's quoted values use. */
    private static void escape(StringBuilder b, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)
                            && !validPair(value, i)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
