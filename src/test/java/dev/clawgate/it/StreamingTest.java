package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The exact SSE bytes and frame order of SPEC §7, read from a raw socket. */
class StreamingTest {
    static final String AUTH = "Authorization: Bearer " + GatewayServer.TOKEN;
    static final String HEAD = "data: {\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":T,"
            + "\"model\":\"openclaw:main\",\"system_fingerprint\":null,\"choices\":";

    static List<String> frames(String body) {
        String normal = body.replaceAll("\"id\":\"chatcmpl-[A-Za-z0-9]{24}\"", "\"id\":\"ID\"")
                .replaceAll("\"created\":\\d+", "\"created\":T");
        assertTrue(normal.endsWith("\n\n"), "stream ends with a blank line");
        return Arrays.asList(normal.substring(0, normal.length() - 2).split("\n\n", -1));
    }

    static String choice(String delta, String finish, boolean usageNull) {
        return HEAD + "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]"
                + (usageNull ? ",\"usage\":null" : "") + "}";
    }

    /** Asserts a 200 with SPEC's SSE headers and no {@code Connection: close}; returns the head lower-cased. */
    static String assertSseHead(String rawHead) {
        String head = rawHead.toLowerCase(Locale.ROOT);
        assertTrue(head.startsWith("http/1.1 200"), head);
        assertTrue(head.matches("(?s).*\ncontent-type: text/event-stream; ?charset=utf-8\n.*"), head);
        assertTrue(head.contains("\ncache-control: no-cache\n"), head);
        assertTrue(head.contains("\nx-accel-buffering: no\n"), head);
        assertTrue(head.contains("\nx-request-id: "), head);
        assertFalse(head.contains("connection: close"), head);
        return head;
    }

    @Test
    void aStreamSendsRoleThenWordsThenFinishThenDoneWithSseHeaders() throws Exception {
        try (GatewayServer server = GatewayServer.start(); RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"model\":\"openclaw:main\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hello \\\"big\\\" world\"}]}", AUTH);
            assertSseHead(http.readHead());
            assertEquals(List.of(
                    choice("{\"role\":\"assistant\"}", "null", false),
                    choice("{\"content\":\"echo:\"}", "null", false),
                    choice("{\"content\":\" hello\"}", "null", false),
                    choice("{\"content\":\" \\\"big\\\"\"}", "null", false),
                    choice("{\"content\":\" world\"}", "null", false),
                    choice("{}", "\"stop\"", false),
                    "data: [DONE]"), frames(http.readChunkedBody()));
        }
    }

    @Test
    void includeUsageAddsAUsageChunkBeforeDoneAndNullUsageElsewhere() throws Exception {
        try (GatewayServer server = GatewayServer.start(); RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"model\":\"openclaw:main\",\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    AUTH);
            http.readHead();
            assertEquals(List.of(
                    choice("{\"role\":\"assistant\"}", "null", true),
                    choice("{\"content\":\"echo:\"}", "null", true),
                    choice("{\"content\":\" hi\"}", "null", true),
                    choice("{}", "\"stop\"", true),
                    HEAD + "[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}",
                    "data: [DONE]"), frames(http.readChunkedBody()));
        }
    }

    @Test
    void theRoleChunkIsFlushedAtOnceAndKeepalivesFillTheSilence() throws Exception {
        try (GatewayServer server = GatewayServer.start("models.providers.echo.wordDelayMs", "60000",
                "gateway.http.heartbeatMs", "50");
             RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"model\":\"openclaw:main\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    AUTH);
            assertTrue(http.readHead().startsWith("HTTP/1.1 200"));
            // the first word is a minute away: the role chunk must already be on the wire
            assertEquals(choice("{\"role\":\"assistant\"}", "null", false) + "\n\n",
                    http.readChunk().replaceAll("\"id\":\"chatcmpl-[A-Za-z0-9]{24}\"", "\"id\":\"ID\"")
                            .replaceAll("\"created\":\\d+", "\"created\":T"));
            assertEquals(": keepalive\n\n", http.readChunk());
            assertEquals(": keepalive\n\n", http.readChunk());
        }
    }

    @Test
    void aStreamThatRunsOutOfTimeEndsWithAnErrorFrameThenDone() throws Exception {
        try (GatewayServer server = GatewayServer.start("models.providers.echo.wordDelayMs", "60000",
                "gateway.http.streamTimeoutMs", "300");
             RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"model\":\"openclaw:main\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    AUTH);
            assertTrue(http.readHead().startsWith("HTTP/1.1 200"));
            List<String> frames = frames(http.readChunkedBody());
            assertEquals(3, frames.size(), frames.toString());
            assertEquals("data: {\"error\":{\"message\":\"The request did not finish within 300 ms "
                    + "(gateway.http.streamTimeoutMs).\",\"type\":\"api_error\",\"param\":null,\"code\":\"timeout\"}}",
                    frames.get(1));
            assertEquals("data: [DONE]", frames.get(2));
        }
    }

    @Test
    void aNonStreamingRequestThatRunsOutOfTimeIs504() throws Exception {
        try (GatewayServer server = GatewayServer.start("models.providers.echo.wordDelayMs", "60000",
                "gateway.http.streamTimeoutMs", "300")) {
            io.restassured.RestAssured.given().baseUri(server.baseUrl()).contentType("application/json")
                    .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                    .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(504)
                    .body("error.code", org.hamcrest.Matchers.equalTo("timeout"));
        }
    }
}
