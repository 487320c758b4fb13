package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clawgate.Gateway;
import dev.clawgate.events.GatewayEvents;
import io.restassured.specification.RequestSpecification;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Bearer auth and the failed-auth lockout (SPEC §3) over HTTP, against the real web.xml. */
class AuthTest {
    static final String CHAT = "/v1/chat/completions";
    static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String UNAUTHORIZED = "{\"error\":{\"message\":\"Unauthorized\",\"type\":\"invalid_request_error\","
            + "\"param\":null,\"code\":\"invalid_api_key\"}}";

    static RequestSpecification post(GatewayServer server, String authorization) {
        RequestSpecification r = given().baseUri(server.baseUrl()).contentType("application/json").body(BODY);
        return authorization == null ? r : r.header("Authorization", authorization);
    }

    /** Counts the auth events the gateway reports. */
    static final class Events implements GatewayEvents {
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger lockedOut = new AtomicInteger();

        @Override
        public void authFailed() {
            failed.incrementAndGet();
        }

        @Override
        public void authLockedOut() {
            lockedOut.incrementAndGet();
        }

        static Events installIn(GatewayServer server) {
            Events events = new Events();
            ((Gateway) server.context().getServletContext().getAttribute(Gateway.ATTRIBUTE)).events(events);
            return events;
        }
    }

    @Test
    void aMissingOrWrongTokenIs401WithWwwAuthenticateAndTheOpenAiBody() throws Exception {
        try (GatewayServer server = GatewayServer.start()) {
            for (String header : new String[] {null, "Bearer wrong-token", "Basic dXNlcjpwYXNz", "Bearer ", "Bearer",
                    GatewayServer.TOKEN}) {
                String body = post(server, header).post(CHAT).then().statusCode(401)
                        .header("WWW-Authenticate", "Bearer")
                        .header("x-request-id", not(nullValue()))
                        .contentType(startsWith("application/json")).extract().asString();
                assertEquals(UNAUTHORIZED, body, String.valueOf(header));
            }
            given().baseUri(server.baseUrl()).get("/v1/models").then().statusCode(401);
            given().baseUri(server.baseUrl()).get("/v1/models/openclaw").then().statusCode(401);
        }
    }

    @Test
    void theRightTokenPassesWithBearerInAnyCaseAndTheValueTrimmed() throws Exception {
        try (GatewayServer server = GatewayServer.start()) {
            post(server, "Bearer " + GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
            post(server, "bearer " + GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
            post(server, "BEARER   " + GatewayServer.TOKEN + "  ").post(CHAT).then().statusCode(200);
            given().baseUri(server.baseUrl()).header("Authorization", "Bearer " + GatewayServer.TOKEN)
                    .get("/v1/models").then().statusCode(200);
        }
    }

    @Test
    void passwordModeComparesWithThePasswordNotTheToken() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.auth.mode", "password",
                "gateway.auth.password", "a-long-operator-password-0123456789")) {
            post(server, "Bearer a-long-operator-password-0123456789").post(CHAT).then().statusCode(200);
            post(server, "Bearer " + GatewayServer.TOKEN).post(CHAT).then().statusCode(401);
        }
    }

    @Test
    void modeNoneWithAllowNoneLetsEveryoneIn() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.auth.mode", "none", "gateway.auth.allowNone", "true")) {
            post(server, null).post(CHAT).then().statusCode(200);
            post(server, "Bearer anything").post(CHAT).then().statusCode(200);
        }
    }

    @Test
    void healthAndReadinessNeedNoToken() throws Exception {
        try (GatewayServer server = GatewayServer.start()) {
            given().baseUri(server.baseUrl()).get("/healthz").then().statusCode(200);
            given().baseUri(server.baseUrl()).get("/readyz").then().statusCode(200);
        }
    }

    @Test
    void metricsNeedTheTokenUnlessMetricsAuthIsOff() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.metrics.enabled", "true")) {
            given().baseUri(server.baseUrl()).get("/metrics").then().statusCode(401);
        }
        try (GatewayServer server = GatewayServer.start("gateway.metrics.enabled", "true",
                "gateway.metrics.auth", "false")) {
            given().baseUri(server.baseUrl()).get("/metrics").then().statusCode(not(equalTo(401)));
        }
    }

    @Test
    void lockedOutClientGets429EvenWithRightToken() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.auth.rateLimit.maxAttempts", "3",
                "gateway.auth.rateLimit.lockoutMs", "120900",
                "gateway.auth.rateLimit.exemptLoopback", "false")) {
            Events events = Events.installIn(server);
            for (int i = 0; i < 3; i++) {
                post(server, "Bearer wrong-" + i).post(CHAT).then().statusCode(401);
            }
            for (String header : new String[] {"Bearer " + GatewayServer.TOKEN, "Bearer wrong", null}) {
                post(server, header).post(CHAT).then().statusCode(429)
                        .header("Retry-After", matchesPattern("121|120")) // 120.9 s, rounded up
                        .header("WWW-Authenticate", nullValue())
                        .body("error.type", equalTo("rate_limit_error"))
                        .body("error.code", equalTo("auth_lockout"))
                        .body("error.param", nullValue());
            }
            given().baseUri(server.baseUrl()).get("/healthz").then().statusCode(200);
            assertEquals(3, events.failed.get());
            assertEquals(1 + 3, events.lockedOut.get(), "the lockout itself, then every refused request");
        }
    }

    @Test
    void aMissingHeaderDoesNotCountTowardsTheLockout() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.auth.rateLimit.maxAttempts", "2",
                "gateway.auth.rateLimit.exemptLoopback", "false")) {
            for (int i = 0; i < 5; i++) {
                post(server, null).post(CHAT).then().statusCode(401);
            }
            post(server, "Bearer wrong").post(CHAT).then().statusCode(401);
            post(server, "Bearer " + GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
        }
    }

    @Test
    void successResetsTheFailedAttempts() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.auth.rateLimit.maxAttempts", "2",
                "gateway.auth.rateLimit.exemptLoopback", "false")) {
            for (int i = 0; i < 3; i++) {
                post(server, "Bearer wrong").post(CHAT).then().statusCode(401);
                post(server, "Bearer " + GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
            }
        }
    }

    @Test
    void loopbackIsNeverLockedOutWhenExempt() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.auth.rateLimit.maxAttempts", "2")) {
            for (int i = 0; i < 5; i++) {
                post(server, "Bearer wrong").post(CHAT).then().statusCode(401);
            }
            post(server, "Bearer " + GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnLockout() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.trustedProxies", "127.0.0.1",
                "gateway.auth.rateLimit.maxAttempts", "2")) {
            for (int i = 0; i < 2; i++) {
                post(server, "Bearer wrong").header("X-Forwarded-For", "203.0.113.7").post(CHAT).then()
                        .statusCode(401);
            }
            post(server, "Bearer " + GatewayServer.TOKEN).header("X-Forwarded-For", "203.0.113.7").post(CHAT)
                    .then().statusCode(429).body("error.code", equalTo("auth_lockout"));
            post(server, "Bearer " + GatewayServer.TOKEN).header("X-Forwarded-For", "203.0.113.8").post(CHAT)
                    .then().statusCode(200);
            post(server, "Bearer " + GatewayServer.TOKEN).header("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
                    .post(CHAT).then().statusCode(429);
            post(server, "Bearer " + GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
        }
    }

    @Test
    void aLoopbackClientForwardedByATrustedProxyIsExempt() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.trustedProxies", "127.0.0.1",
                "gateway.auth.rateLimit.maxAttempts", "2")) {
            for (int i = 0; i < 3; i++) {
                post(server, "Bearer wrong").header("X-Forwarded-For", "127.0.0.1").post(CHAT).then()
                        .statusCode(401);
            }
        }
    }

    @Test
    void anUntrustedPeersForwardedForCannotDodgeTheLockout() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.auth.rateLimit.maxAttempts", "2",
                "gateway.auth.rateLimit.exemptLoopback", "false")) {
            post(server, "Bearer wrong").header("X-Forwarded-For", "198.51.100.1").post(CHAT).then().statusCode(401);
            post(server, "Bearer wrong").header("X-Forwarded-For", "198.51.100.2").post(CHAT).then().statusCode(401);
            post(server, "Bearer " + GatewayServer.TOKEN).header("X-Forwarded-For", "198.51.100.3").post(CHAT)
                    .then().statusCode(429);
        }
    }

    @Test
    void aParallelBurstOfFiftyWrongTokensGetsExactlyMaxAttempts401sAndTheRest429() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.trustedProxies", "127.0.0.1",
                "gateway.auth.rateLimit.maxAttempts", "5")) {
            for (int round = 0; round < 3; round++) {
                String client = "203.0.113." + (100 + round);
                assertEquals(java.util.Map.of(401, 5, 429, 45),
                        LockoutBurst.fire(java.util.List.of(server), 50, "wrong-" + round, client));
            }
        }
    }

    @Test
    void ipv6AddressesInOneSlash64ShareALockoutAndAnotherSlash64DoesNot() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.trustedProxies", "127.0.0.1",
                "gateway.auth.rateLimit.maxAttempts", "3")) {
            for (String hop : new String[] {"2001:db8:1:2::1", "2001:db8:1:2:aaaa::7", "[2001:db8:1:2:ffff:1:2:3]"}) {
                post(server, "Bearer wrong").header("X-Forwarded-For", hop).post(CHAT).then().statusCode(401);
            }
            post(server, "Bearer " + GatewayServer.TOKEN).header("X-Forwarded-For", "2001:db8:1:2:dead:beef::1")
                    .post(CHAT).then().statusCode(429).body("error.code", equalTo("auth_lockout"));
            post(server, "Bearer " + GatewayServer.TOKEN).header("X-Forwarded-For", "2001:db8:1:3::1")
                    .post(CHAT).then().statusCode(200);
        }
    }

    @Test
    void theIpv6PrefixIsConfigurable() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.trustedProxies", "127.0.0.1",
                "gateway.auth.rateLimit.maxAttempts", "2", "gateway.auth.rateLimit.ipv6Prefix", "48")) {
            post(server, "Bearer wrong").header("X-Forwarded-For", "2001:db8:1:2::1").post(CHAT).then()
                    .statusCode(401);
            post(server, "Bearer wrong").header("X-Forwarded-For", "2001:db8:1:ffff::1").post(CHAT).then()
                    .statusCode(401);
            post(server, "Bearer " + GatewayServer.TOKEN).header("X-Forwarded-For", "2001:db8:1:7::9")
                    .post(CHAT).then().statusCode(429);
        }
    }
}
