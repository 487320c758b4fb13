package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * How upstream failures reach the client (SPEC §7–§8). Each failure kind has its own error {@code code}, so whoever
 * receives the {@link ApiException} can tell the kind back with {@link #kind(ApiException)} (for metrics) without
 * the provider knowing about agents or observers.
 *
 * <table>
 *   <caption>upstream failure → client error (status, type, code; the kind for metrics)</caption>
 *   <tr><td>connect failure, reset before a response</td><td>502 api_error upstream_unavailable</td>
 *       <td>connect</td></tr>
 *   <tr><td>5xx</td><td>502 api_error upstream_error</td><td>status_5xx</td></tr>
 *   <tr><td>no byte for {@code timeoutMs}</td><td>504 api_error upstream_timeout</td><td>timeout</td></tr>
 *   <tr><td>429</td><td>429 rate_limit_error upstream_rate_limited, its Retry-After</td><td>status_429</td></tr>
 *   <tr><td>other 4xx</td><td>same status, invalid_request_error upstream_rejected</td><td>status_4xx</td></tr>
 *   <tr><td>malformed stream</td><td>502 api_error upstream_protocol_error</td><td>protocol</td></tr>
 *   <tr><td>error event in the stream</td><td>502 api_error upstream_error</td><td>status_5xx</td></tr>
 *   <tr><td>closed before a finish</td><td>502 api_error upstream_dropped</td><td>dropped</td></tr>
 * </table>
 * The upstream's own message is relayed for a 4xx (and a 429) with the provider's API key removed; its headers never
 * are, apart from the value of {@code Retry-After}.
 */
public final class UpstreamErrors {
    private static final int MAX_MESSAGE_CHARS = 1000;
    private static final Map<String, String> KINDS = Map.of(
            "upstream_unavailable", "connect",
            "upstream_error", "status_5xx",
            "upstream_timeout", "timeout",
            "upstream_rate_limited", "status_429",
            "upstream_rejected", "status_4xx",
            "upstream_protocol_error", "protocol",
            "upstream_dropped", "dropped");

    private UpstreamErrors() {
    }

    /** The {@code upstreamError} event kind of {@code error}, or null when not an upstream one. */
    public static String kind(ApiException error) {
        return error == null || error.code() == null ? null : KINDS.get(error.code());
    }

    static ApiException unavailable() {
        return new ApiException(502, "api_error", null, "upstream_unavailable",
                "The upstream model server could not be reached.");
    }

    static ApiException timeout(long timeoutMs) {
        return new ApiException(504, "api_error", null, "upstream_timeout",
                "The upstream model server sent nothing for " + timeoutMs + " ms (timeoutMs).");
    }

    static ApiException protocol(String what) {
        return new ApiException(502, "api_error", null, "upstream_protocol_error",
                "The upstream model server sent an unusable stream: " + what);
    }

    static ApiException dropped() {
        return new ApiException(502, "api_error", null, "upstream_dropped",
                "The upstream model server closed the stream before the answer was finished.");
    }

    /** An error event inside a 200 stream. */
    static ApiException inStream(JsonReaderFactory readers, String body, String apiKey) {
        String message = upstreamMessage(readers, body, apiKey)
                .orElse("The upstream model server reported an error.");
        return new ApiException(502, "api_error", null, "upstream_error", message);
    }

    /**
     * The client error for an upstream answer with a non-2xx {@code status}.
     *
     * @param body       the start of the upstream's body (may be empty)
     * @param retryAfter the upstream's {@code Retry-After} value, or null
     * @param apiKey     the provider's key, scrubbed from any relayed message; null when none
     */
    static ApiException forStatus(JsonReaderFactory readers, int status, String body, String retryAfter, String apiKey,
                                  Clock clock) {
        if (status == 429) {
            String message = upstreamMessage(readers, body, apiKey)
                    .orElse("The upstream model server is rate limiting.");
            return new ApiException(429, "rate_limit_error", null, "upstream_rate_limited", message,
                    retryAfterSeconds(retryAfter, clock));
        }
        if (status >= 400 && status < 500) {
            String message = upstreamMessage(readers, body, apiKey)
                    .orElse("The upstream model server refused the request (HTTP " + status + ").");
            return new ApiException(status, "invalid_request_error", null, "upstream_rejected", message);
        }
        return new ApiException(502, "api_error", null, "upstream_error",
                "The upstream model server failed (HTTP " + status + ").");
    }

    /** {@code error.message} of an OpenAI-style error body (or a bare {@code error} string), scrubbed and cut. */
    static Optional<String> upstreamMessage(JsonReaderFactory readers, String body, String apiKey) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        String message = null;
        try (JsonReader reader = readers.createReader(new StringReader(body))) {
            JsonValue root = reader.readValue();
            if (root instanceof JsonObject o) {
                JsonValue error = o.get("error");
                if (error instanceof JsonObject e && e.get("message") instanceof JsonString s) {
                    message = s.getString();
                } else if (error instanceof JsonString s) {
                    message = s.getString();
                } else if (o.get("message") instanceof JsonString s) {
                    message = s.getString();
                }
            }
        } catch (RuntimeException notJson) {
            return Optional.empty();
        }
        if (message == null || message.isBlank()) {
            return Optional.empty();
        }
        if (apiKey != null && !apiKey.isEmpty()) {
            message = message.replace(apiKey, "****");
        }
        if (message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "…";
        }
        return Optional.of(message);
    }

    /** Seconds from a {@code Retry-After} header (delta-seconds or an HTTP date), or null when absent or bad. */
    static Long retryAfterSeconds(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Math.max(0, Long.parseLong(v));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                long seconds = Duration.between(clock.instant(), at.toInstant()).toSeconds();
                return Math.max(0, seconds);
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }
}
