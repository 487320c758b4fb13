package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static dev.clawgate.metrics.GatewayMetricsTest.assertExposes;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Gateway;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} through the real web.xml: off by default, Prometheus text when on, counters that move. */
class MetricsTest {
    static final String STREAM = "{\"model\":\"openclaw:main\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";

    static String scrape(String baseUrl) {
        return given().baseUri(baseUrl).header("Authorization", "Bearer " + GatewayServer.TOKEN)
                .get("/metrics").then().statusCode(200)
                .contentType(startsWith("text/plain")).extract().asString();
    }

    static CountDownLatch finishedRequests(GatewayServer server, int count) {
        Gateway gateway = (Gateway) server.context().getServletContext().getAttribute(Gateway.ATTRIBUTE);
        CountDownLatch latch = new CountDownLatch(count);
        gateway.onRequestFinished(r -> latch.countDown());
        return latch;
    }

    @Test
    void metricsAre404UnlessEnabled() throws Exception {
        try (GatewayServer server = GatewayServer.start()) {
            given().baseUri(server.baseUrl()).get("/metrics").then().statusCode(404)
                    .body("error.code", org.hamcrest.Matchers.equalTo("not_found"));
        }
    }

    @Test
    void aScrapeAfterRequestsShowsTheCountersMoved() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.metrics.enabled", "true")) {
            CountDownLatch done = finishedRequests(server, 2);
            given().baseUri(server.baseUrl()).contentType("application/json")
                    .header("Authorization", "Bearer " + GatewayServer.TOKEN).body(STREAM)
                    .post("/v1/chat/completions").then().statusCode(200);
            given().baseUri(server.baseUrl()).contentType("application/json")
                    .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                    .body(STREAM.replace("\"stream\":true", "\"stream\":false"))
                    .post("/v1/chat/completions").then().statusCode(200);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            String text = scrape(server.baseUrl());
            assertExposes(text,
                    "clawgate_requests_total{agent=\"main\",key=\"operator\",outcome=\"ok\",status=\"200\",stream=\"true\"} 1.0",
                    "clawgate_requests_total{agent=\"main\",key=\"operator\",outcome=\"ok\",status=\"200\",stream=\"false\"} 1.0",
                    "clawgate_request_duration_seconds_count{agent=\"main\",stream=\"true\"} 1",
                    "clawgate_time_to_first_token_seconds_count{agent=\"main\",stream=\"false\"} 1",
                    "clawgate_completion_tokens_total{agent=\"main\"} 6.0",
                    "clawgate_open_streams{agent=\"main\"} 0.0");
        }
    }

    @Test
    void aClientThatHangsUpMidStreamCountsAsACancelledRunAndClosesItsStream() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.metrics.enabled", "true",
                "models.providers.echo.wordDelayMs", "60000", "gateway.http.heartbeatMs", "50")) {
            CountDownLatch done = finishedRequests(server, 1);
            try (RawHttp http = new RawHttp(server.port())) {
                http.post("/v1/chat/completions", STREAM, "Authorization: Bearer " + GatewayServer.TOKEN);
                http.readHead();
                http.readChunk(); // the role chunk: the stream is open
                assertTrue(scrape(server.baseUrl()).contains("clawgate_open_streams{agent=\"main\"} 1.0"));
            }
            assertTrue(done.await(20, TimeUnit.SECONDS), "the gateway noticed the hang-up");
            String text = scrape(server.baseUrl());
            assertExposes(text,
                    "clawgate_cancelled_runs_total{agent=\"main\"} 1.0",
                    "clawgate_open_streams{agent=\"main\"} 0.0");
        }
    }

    @Test
    void headOnMetricsAnswersWithoutABody() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.metrics.enabled", "true")) {
            given().baseUri(server.baseUrl()).header("Authorization", "Bearer " + GatewayServer.TOKEN)
                    .head("/metrics").then().statusCode(200)
                    .header("Content-Type", containsString("text/plain"));
        }
    }
}
