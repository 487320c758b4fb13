package dev.clawgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.clawgate.openai.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonReaderFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void anUpstream429KeepsItsRetryAfterAndMessage() {
        ApiException e = UpstreamErrors.forStatus(READERS, 429, "{\"error\":{\"message\":\"slow down\"}}", "7",
                null, CLOCK);
        assertEquals(429, e.status());
        assertEquals("rate_limit_error", e.type());
        assertEquals(7L, e.retryAfterSeconds());
        assertEquals("slow down", e.getMessage());
        assertEquals("status_429", UpstreamErrors.kind(e));
    }

    @Test
    void retryAfterAsAnHttpDateBecomesSeconds() {
        assertEquals(90L, UpstreamErrors.retryAfterSeconds("Thu, 01 Jan 2026 00:01:30 GMT", CLOCK));
        assertNull(UpstreamErrors.retryAfterSeconds("soon", CLOCK));
    }

    @Test
    void anUpstream4xxKeepsItsStatusAndMessageButNeverTheKey() {
        ApiException e = UpstreamErrors.forStatus(READERS, 401,
                "{\"error\":{\"message\":\"Incorrect API key provided: sk-live-123\"}}", null, "sk-live-123", CLOCK);
        assertEquals(401, e.status());
        assertEquals("Incorrect API key provided: ****", e.getMessage());
        assertEquals("status_4xx", UpstreamErrors.kind(e));
    }

    @Test
    void anUpstream5xxIsA502ThatHidesTheBody() {
        ApiException e = UpstreamErrors.forStatus(READERS, 503, "{\"error\":{\"message\":\"internal trace\"}}", "3",
                null, CLOCK);
        assertEquals(502, e.status());
        assertEquals("api_error", e.type());
        assertEquals("The upstream model server failed (HTTP 503).", e.getMessage());
        assertEquals("status_5xx", UpstreamErrors.kind(e));
    }

    @Test
    void aNonJsonErrorBodyGetsAGenericMessage() {
        ApiException e = UpstreamErrors.forStatus(READERS, 404, "<html>nope</html>", null, null, CLOCK);
        assertEquals(404, e.status());
        assertEquals("The upstream model server refused the request (HTTP 404).", e.getMessage());
    }

    @Test
    void ownErrorsHaveNoUpstreamKind() {
        assertNull(UpstreamErrors.kind(ApiException.badRequest("messages", "no")));
    }
}
