package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * The log lines, as the container's logging (java.util.logging here) receives them through {@link System.Logger}:
 * one line per finished chat request with its fields, start-up lines with the effective config; never message
 * content, the user, or a secret.
 */
class RequestLogTest {
    static final String SECRET = "log-test-secret-token-9f8e7d6c";
    static final String CONTENT = "confidential-words-4711";
    static final String USER = "user-alice-0042";

    @Test
    void aFinishedRequestLogsOneLineWithItsFieldsAndNoContentUserOrSecret() throws Exception {
        try (LogCapture log = LogCapture.atLeast(Level.INFO)) {
            String requestId;
            try (GatewayServer server = GatewayServer.start("gateway.auth.token", SECRET)) {
                CountDownLatch finished = MetricsTest.finishedRequests(server, 1);
                requestId = given().baseUri(server.baseUrl()).contentType("application/json")
                        .header("Authorization", "Bearer " + SECRET)
                        .body("{\"model\":\"openclaw\",\"stream\":true,\"user\":\"" + USER + "\","
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + CONTENT + "\"}]}")
                        .post("/v1/chat/completions").then().statusCode(200).extract().header("x-request-id");
                assertTrue(finished.await(10, TimeUnit.SECONDS));
            } // access lines are buffered (RequestLog); undeploy publishes what is pending

            // one record may carry several buffered lines
            List<String> lines = log.lines().stream().flatMap(l -> l.lines()).toList();
            List<String> access = lines.stream().filter(l -> l.startsWith("chat time=")).toList();
            assertEquals(1, access.size(), lines.toString());
            assertTrue(access.get(0).matches("chat time=\\S+Z request_id=" + requestId + " caller=operator agent=main session=user "
                    + "stream=true status=200 outcome=ok duration_ms=\\d+ ttft_ms=\\d+ prompt_tokens=1 "
                    + "completion_tokens=2 tool_rounds=0"), access.get(0));
            assertTrue(lines.stream().anyMatch(l -> l.contains("chatCompletions.enabled=true")
                    && l.contains("auth.secret=set")), "start-up summary: " + lines);
            for (String l : lines) {
                assertFalse(l.contains(CONTENT), "message content logged: " + l);
                assertFalse(l.contains(USER), "user logged: " + l);
                assertFalse(l.contains(SECRET), "secret logged: " + l);
            }
        }
    }
}
