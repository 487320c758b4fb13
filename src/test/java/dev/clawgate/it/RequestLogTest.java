package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CountDownLatch accessLine = new CountDownLatch(1);
    private final Logger access = Logger.getLogger("dev.clawgate.access");
    private final Logger startup = Logger.getLogger("dev.clawgate.http.GatewayListener");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r.getLoggerName() + " " + r.getLevel() + " " + r.getMessage());
            if (r.getLoggerName().equals("dev.clawgate.access")) {
                accessLine.countDown();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        capture.setLevel(Level.ALL);
        access.addHandler(capture);
        startup.addHandler(capture);
    }

    @AfterEach
    void release() {
        access.removeHandler(capture);
        startup.removeHandler(capture);
    }

    @Test
    void aFinishedRequestLogsOneLineWithItsFieldsAndNoContentUserOrSecret() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.auth.token", SECRET)) {
            String requestId = given().baseUri(server.baseUrl()).contentType("application/json")
                    .header("Authorization", "Bearer " + SECRET)
                    .body("{\"model\":\"openclaw\",\"stream\":true,\"user\":\"" + USER + "\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"" + CONTENT + "\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200).extract().header("x-request-id");
            assertTrue(accessLine.await(10, TimeUnit.SECONDS), "no access line: " + lines);

            List<String> accessLines = lines.stream().filter(l -> l.startsWith("dev.clawgate.access ")).toList();
            assertEquals(1, accessLines.size(), accessLines.toString());
            String line = accessLines.get(0);
            assertTrue(line.matches("dev\\.clawgate\\.access INFO chat request_id=" + requestId + " agent=main "
                    + "session=user stream=true status=200 outcome=ok duration_ms=\\d+ ttft_ms=\\d+ "
                    + "prompt_tokens=1 completion_tokens=2"), line);
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
