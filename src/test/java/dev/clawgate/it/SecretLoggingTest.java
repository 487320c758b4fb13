package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A run with right and wrong secrets leaves no secret in the log, at any level, or in an error body. */
class SecretLoggingTest {
    static final String PASSWORD = "pw-never-logged-0123456789";
    static final String WRONG = "wrong-secret-never-logged-0123456789";

    LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.atLeast(Level.ALL);
    }

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void noSecretAppearsInTheLogOrInAnErrorBody() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        try (GatewayServer server = GatewayServer.start("gateway.auth.password", PASSWORD,
                "gateway.auth.rateLimit.maxAttempts", "2",
                "gateway.auth.rateLimit.exemptLoopback", "false")) {
            given().baseUri(server.baseUrl()).contentType("application/json")
                    .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                    .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200);
            for (int i = 0; i < 3; i++) {
                bodies.add(given().baseUri(server.baseUrl()).contentType("application/json")
                        .header("Authorization", "Bearer " + WRONG)
                        .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .post("/v1/chat/completions").then().statusCode(i < 2 ? 401 : 429).extract().asString());
            }
            bodies.add(given().baseUri(server.baseUrl()).header("Authorization", "Bearer " + GatewayServer.TOKEN)
                    .get("/v1/models").then().statusCode(429).extract().asString());
        }
        List<String> lines = log.lines();
        assertTrue(lines.stream().anyMatch(l -> l.contains("auth.secret=set")), "the run was logged: " + lines);
        for (String text : concat(lines, bodies)) {
            for (String secret : List.of(GatewayServer.TOKEN, PASSWORD, WRONG)) {
                assertFalse(text.contains(secret), text);
            }
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
