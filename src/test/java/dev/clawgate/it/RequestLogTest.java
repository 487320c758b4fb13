package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Logfmt;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * The log lines, as the container's logging (java.util.logging here) receives them: one record, i.e. one line, per
 * finished chat request with its fields, read one by one as a logfmt shipper would; start-up lines with the
 * effective config; one warning for an upstream failure; never message content, the user, or a secret.
 */
class RequestLogTest {
    static final String SECRET = "log-test-secret-token-9f8e7d6c-5b4a3210";
    static final String CONTENT = "confidential-words-4711";
    static final String USER = "user-alice-0042";
    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

    @Test
    void everyFinishedRequestLogsOneParsableLineWithItsFieldsAndNoContentUserOrSecret() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (LogCapture log = LogCapture.atLeast(Level.INFO)) {
            String okId;
            String failedId;
            try (GatewayServer server = GatewayServer.start("gateway.auth.token", SECRET,
                    "models.providers.down.baseUrl", "http://127.0.0.1:" + closedPort + "/v1",
                    "agents.down.model", "down/some-model", "agents.main.model", "echo/echo")) {
                CountDownLatch finished = MetricsTest.finishedRequests(server, 2);
                okId = given().baseUri(server.baseUrl()).contentType("application/json")
                        .header("Authorization", "Bearer " + SECRET)
                        .header("traceparent", "00-" + TRACE + "-b7ad6b7169203331-01")
                        .body("{\"model\":\"openclaw\",\"stream\":true,\"user\":\"" + USER + "\","
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + CONTENT + "\"}]}")
                        .post("/v1/chat/completions").then().statusCode(200).extract().header("x-request-id");
                failedId = given().baseUri(server.baseUrl()).contentType("application/json")
                        .header("Authorization", "Bearer " + SECRET)
                        .body("{\"model\":\"openclaw/down\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                + CONTENT + "\"}]}")
                        .post("/v1/chat/completions").then().statusCode(502).extract().header("x-request-id");
                assertTrue(finished.await(10, TimeUnit.SECONDS));
            } // undeploy publishes the queued access lines

            List<String> records = log.lines();
            List<Map<String, String>> access = records.stream().filter(l -> l.startsWith("time="))
                    .map(Logfmt::parse).toList();
            assertEquals(2, access.size(), records.toString());
            Map<String, String> ok = access.stream().filter(f -> f.get("request_id").equals(okId)).findFirst()
                    .orElseThrow();
            assertTrue(ok.get("time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), ok.get("time"));
            assertEquals(TRACE, ok.get("trace_id"));
            assertEquals("operator", ok.get("caller"));
            assertEquals("main", ok.get("agent"));
            assertEquals("echo/echo", ok.get("model"));
            assertEquals("user", ok.get("session"));
            assertEquals("true", ok.get("stream"));
            assertEquals("200", ok.get("status"));
            assertEquals("ok", ok.get("outcome"));
            assertEquals("", ok.get("error"));
            assertTrue(ok.get("duration_ms").matches("\\d+") && ok.get("ttft_ms").matches("\\d+"), ok.toString());
            assertEquals("1", ok.get("prompt_tokens"));
            assertEquals("2", ok.get("completion_tokens"));
            assertEquals("0", ok.get("tool_rounds"));

            Map<String, String> failed = access.stream().filter(f -> f.get("request_id").equals(failedId))
                    .findFirst().orElseThrow();
            assertEquals("", failed.get("trace_id"));
            assertEquals("down", failed.get("agent"));
            assertEquals("down/some-model", failed.get("model"));
            assertEquals("502", failed.get("status"));
            assertEquals("error", failed.get("outcome"));
            assertEquals("upstream_unavailable", failed.get("error"));
            assertEquals("", failed.get("ttft_ms"));

            assertTrue(records.stream().anyMatch(l -> l.startsWith("clawgate: upstream failure provider=down"
                    + " kind=connect agent=down status=502 error=upstream_unavailable request_id=" + failedId)),
                    records.toString());
            assertTrue(records.stream().anyMatch(l -> l.contains("chatCompletions.enabled=true")
                    && l.contains("auth.secret=set")), "start-up summary: " + records);
            for (String l : records) {
                assertFalse(l.contains("\n"), "a record of more than one line: " + l);
                assertFalse(l.contains(CONTENT), "message content logged: " + l);
                assertFalse(l.contains(USER), "user logged: " + l);
                assertFalse(l.contains(SECRET), "secret logged: " + l);
            }
        }
    }
}
