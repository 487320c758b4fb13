package dev.clawgate.it;

import static dev.clawgate.metrics.GatewayMetricsTest.assertExposes;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.config.BuildInfo;
import io.restassured.http.Header;
import io.restassured.response.Response;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * The running gateway names its build where ops look for it (start-up line, {@code /healthz}, {@code /metrics}) and
 * nowhere a client of {@code /v1/} sees it.
 */
class BuildInfoEndpointsTest {
    private static final BuildInfo BUILD = BuildInfo.current();

    @Test
    void healthzNamesTheVersionAndCommitAfterTheStatus() throws Exception {
        try (GatewayServer server = GatewayServer.start()) {
            String body = given().baseUri(server.baseUrl()).get("/healthz").then().statusCode(200)
                    .body("status", equalTo("ok"))
                    .body("version", equalTo(BUILD.version()))
                    .body("commit", equalTo(BUILD.commit()))
                    .extract().asString();
            assertTrue(body.startsWith("{\"status\":\"ok\","), body);
            String expected = System.getProperty("clawgate.expected.version");
            if (expected != null) {
                assertEquals(expected, BUILD.version(), "the version Maven built");
            }
        }
    }

    @Test
    void metricsExposeTheBuildInfoSeries() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.metrics.enabled", "true")) {
            assertExposes(MetricsTest.scrape(server.baseUrl()), "clawgate_build_info{commit=\"" + BUILD.commit()
                    + "\",version=\"" + BUILD.version() + "\"} 1");
        }
    }

    @Test
    void theStartupLineNamesTheVersionAndCommit() throws Exception {
        try (LogCapture log = LogCapture.atLeast(Level.INFO); GatewayServer server = GatewayServer.start()) {
            List<String> lines = log.lines();
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("clawgate: version=" + BUILD.version() + " commit="
                    + BUILD.commit() + " chatCompletions.enabled=")), lines.toString());
        }
    }

    @Test
    void noV1ResponseHeaderCarriesTheVersionOrCommit() throws Exception {
        try (GatewayServer server = GatewayServer.start()) {
            Response chat = given().baseUri(server.baseUrl()).contentType("application/json")
                    .header("Authorization", "Bearer " + GatewayServer.TOKEN).body(MetricsTest.STREAM)
                    .post("/v1/chat/completions");
            Response models = given().baseUri(server.baseUrl())
                    .header("Authorization", "Bearer " + GatewayServer.TOKEN).get("/v1/models");
            Response refused = given().baseUri(server.baseUrl()).get("/v1/models");
            for (Response r : List.of(chat, models, refused)) {
                for (Header h : r.headers()) {
                    assertFalse(h.getValue().contains(BUILD.version()), h.toString());
                    assertFalse(h.getValue().contains(BUILD.commit()), h.toString());
                }
            }
            assertEquals(200, chat.statusCode());
            assertEquals(401, refused.statusCode());
        }
    }
}
