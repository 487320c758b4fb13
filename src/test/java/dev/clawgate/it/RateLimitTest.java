package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Gateway;
import dev.clawgate.events.GatewayEvents;
import io.restassured.specification.RequestSpecification;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The request rate limit (SPEC §4) over HTTP: headers, 429, per-client buckets, streams, and what bypasses it. */
class RateLimitTest {
    static final String CHAT = "/v1/chat/completions";
    static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** One request a minute: the next token is ~60 s away, so timings in a test run cannot blur the numbers. */
    static final String[] ONE_PER_MINUTE_BURST_2 = {"gateway.http.rateLimit.requestsPerMinute", "1",
            "gateway.http.rateLimit.burst", "2"};
    static final String NEARLY_A_MINUTE = "(59(\\.\\d{1,3})?s|1m0s)";

    static RequestSpecification authed(GatewayServer server) {
        return given().baseUri(server.baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + GatewayServer.TOKEN).body(BODY);
    }

    @Test
    void everyAllowedResponseCarriesTheRateLimitHeadersThenTheBucketRunsDry() throws Exception {
        try (GatewayServer server = GatewayServer.start(ONE_PER_MINUTE_BURST_2)) {
            AtomicInteger limited = new AtomicInteger();
            ((Gateway) server.context().getServletContext().getAttribute(Gateway.ATTRIBUTE)).events(
                    new GatewayEvents() {
                        @Override
                        public void rateLimited() {
                            limited.incrementAndGet();
                        }
                    });
            authed(server).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-limit-requests", "2")
                    .header("x-ratelimit-remaining-requests", "1")
                    .header("x-ratelimit-reset-requests", matchesPattern(NEARLY_A_MINUTE));
            authed(server).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-remaining-requests", "0")
                    .header("x-ratelimit-reset-requests", matchesPattern("(1m59(\\.\\d{1,3})?s|2m0s)"));
            authed(server).post(CHAT).then().statusCode(429)
                    .header("Retry-After", matchesPattern("60|59"))
                    .header("x-ratelimit-limit-requests", "2")
                    .header("x-ratelimit-remaining-requests", "0")
                    .body("error.type", equalTo("rate_limit_error"))
                    .body("error.code", equalTo("rate_limit_exceeded"))
                    .body("error.param", nullValue());
            assertEquals(1, limited.get());
        }
    }

    @Test
    void a401ConsumesNoRequestToken() throws Exception {
        try (GatewayServer server = GatewayServer.start(ONE_PER_MINUTE_BURST_2)) {
            for (int i = 0; i < 3; i++) {
                given().baseUri(server.baseUrl()).contentType("application/json").body(BODY).post(CHAT).then()
                        .statusCode(401).header("x-ratelimit-limit-requests", nullValue());
            }
            authed(server).post(CHAT).then().statusCode(200).header("x-ratelimit-remaining-requests", "1");
        }
    }

    @Test
    void healthAndReadinessAreNeverLimited() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.http.rateLimit.requestsPerMinute", "1",
                "gateway.http.rateLimit.burst", "1")) {
            for (int i = 0; i < 3; i++) {
                given().baseUri(server.baseUrl()).get("/healthz").then().statusCode(200)
                        .header("x-ratelimit-limit-requests", nullValue());
                given().baseUri(server.baseUrl()).get("/readyz").then().statusCode(200);
            }
        }
    }

    @Test
    void modelsAreLimitedLikeChat() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.http.rateLimit.requestsPerMinute", "1",
                "gateway.http.rateLimit.burst", "1")) {
            authed(server).post(CHAT).then().statusCode(200);
            given().baseUri(server.baseUrl()).header("Authorization", "Bearer " + GatewayServer.TOKEN)
                    .get("/v1/models").then().statusCode(429).body("error.code", equalTo("rate_limit_exceeded"));
        }
    }

    @Test
    void withoutALimitThereAreNoHeaders() throws Exception {
        try (GatewayServer server = GatewayServer.start()) {
            authed(server).post(CHAT).then().statusCode(200).header("x-ratelimit-limit-requests", nullValue());
        }
    }

    @Test
    void aStreamCarriesTheHeadersOnItsTwoHundred() throws Exception {
        try (GatewayServer server = GatewayServer.start(ONE_PER_MINUTE_BURST_2);
             RawHttp http = new RawHttp(server.port())) {
            http.post(CHAT, "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "Authorization: Bearer " + GatewayServer.TOKEN);
            String head = http.readHead().toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 200"), head);
            assertTrue(head.contains("\ncontent-type: text/event-stream"), head);
            assertTrue(head.contains("\nx-ratelimit-limit-requests: 2\n"), head);
            assertTrue(head.contains("\nx-ratelimit-remaining-requests: 1\n"), head);
            assertTrue(head.matches("(?s).*\nx-ratelimit-reset-requests: " + NEARLY_A_MINUTE + "\n.*"), head);
            assertTrue(http.readChunkedBody().endsWith("data: [DONE]\n\n"));
        }
    }

    @Test
    void loopbackIsLimitedLikeAnyClient() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.http.rateLimit.requestsPerMinute", "1",
                "gateway.http.rateLimit.burst", "1")) {
            authed(server).post(CHAT).then().statusCode(200);
            authed(server).post(CHAT).then().statusCode(429);
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnBucket() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.http.rateLimit.requestsPerMinute", "1",
                "gateway.http.rateLimit.burst", "1", "gateway.trustedProxies", "127.0.0.0/8, ::1")) {
            authed(server).header("X-Forwarded-For", "203.0.113.7").post(CHAT).then().statusCode(200);
            authed(server).header("X-Forwarded-For", "203.0.113.7").post(CHAT).then().statusCode(429);
            authed(server).header("X-Forwarded-For", "203.0.113.8").post(CHAT).then().statusCode(200);
            authed(server).header("X-Forwarded-For", "1.1.1.1, 203.0.113.7").post(CHAT).then().statusCode(429);
            authed(server).post(CHAT).then().statusCode(200);
        }
    }

    @Test
    void anUntrustedPeersForwardedForCannotDodgeTheLimit() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.http.rateLimit.requestsPerMinute", "1",
                "gateway.http.rateLimit.burst", "1")) {
            authed(server).header("X-Forwarded-For", "203.0.113.7").post(CHAT).then().statusCode(200);
            authed(server).header("X-Forwarded-For", "203.0.113.8").post(CHAT).then().statusCode(429);
        }
    }
}
