package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.events.RequestRecord;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * {@code gateway.auth.mode=trusted-proxy} over HTTP: the SSO user header is believed only from a peer in
 * {@code gateway.trustedProxies}, with the required headers and allowed users; declared users get their agents and
 * limits; undeclared ones are labelled {@code other}; keys and the operator secret still work beside it.
 */
class TrustedProxyAuthTest {
    static final String CHAT = "/v1/chat/completions";
    static final String[] SSO = {"gateway.auth.mode", "trusted-proxy", "gateway.trustedProxies", "127.0.0.1",
            "agents.main.model", "echo/echo", "agents.coder.model", "echo/echo"};

    static RequestSpecification asUser(GatewayServer server, String user) {
        return given().baseUri(server.baseUrl()).contentType("application/json").header("X-Forwarded-User", user)
                .body(KeysTest.BODY);
    }

    @Test
    void theUserHeaderFromTheTrustedProxyNamesTheCallerInTheAccessLog() throws Exception {
        try (GatewayServer server = GatewayServer.start(SSO)) {
            BlockingQueue<RequestRecord> done = KeysTest.finished(server);
            asUser(server, "alice@example.com").post(CHAT).then().statusCode(200);
            RequestRecord r = KeysTest.next(done);
            assertEquals("alice@example.com", r.caller());
            assertEquals("other", r.callerLabel());
            given().baseUri(server.baseUrl()).contentType("application/json").body(KeysTest.BODY).post(CHAT).then()
                    .statusCode(401).body("error.code", equalTo("invalid_api_key"));
            KeysTest.as(server, GatewayServer.TOKEN).body(KeysTest.BODY).post(CHAT).then().statusCode(200);
        }
    }

    @Test
    void undeclaredUsersShareTheLabelOtherSoMetricLabelsStayBounded() throws Exception {
        try (GatewayServer server = GatewayServer.start(KeysTest.concat(SSO, new String[] {
                "gateway.metrics.enabled", "true", "gateway.auth.users.dora.tokensPerDay", "1000"}))) {
            BlockingQueue<RequestRecord> done = KeysTest.finished(server);
            for (String user : List.of("u1", "u2", "u3", "dora")) {
                asUser(server, user).post(CHAT).then().statusCode(200);
                KeysTest.next(done);
            }
            String metrics = KeysTest.as(server, GatewayServer.TOKEN).get("/metrics").asString();
            assertTrue(metrics.contains("clawgate_requests_total{agent=\"main\",key=\"other\",outcome=\"ok\","
                    + "status=\"200\",stream=\"false\"} 3.0"), metrics);
            assertTrue(metrics.contains("key=\"dora\""), metrics);
            for (String user : List.of("u1", "u2", "u3")) {
                assertTrue(!metrics.contains("\"" + user + "\""), "an undeclared user became a label: " + user);
            }
        }
    }

    @Test
    void theUserHeaderFromAnUntrustedPeerIsIgnoredAnd401() throws Exception {
        try (GatewayServer server = GatewayServer.start(KeysTest.concat(SSO,
                new String[] {"gateway.trustedProxies", "192.0.2.10"}))) {
            asUser(server, "alice").post(CHAT).then().statusCode(401)
                    .body("error.code", equalTo("invalid_api_key"));
            asUser(server, "alice").header("X-Forwarded-For", "192.0.2.10").post(CHAT).then().statusCode(401);
        }
    }

    @Test
    void requiredHeadersAllowUsersAndDeclaredUsersAreEnforced() throws Exception {
        try (GatewayServer server = GatewayServer.start(KeysTest.concat(SSO, new String[] {
                "gateway.auth.trustedProxy.requiredHeaders", "X-Forwarded-Email",
                "gateway.auth.trustedProxy.allowUsers", "alice,bob.smith@example.com",
                "gateway.auth.users.bob.smith@example.com.agents", "coder",
                "gateway.auth.users.bob.smith@example.com.requestsPerMinute", "5"}))) {
            asUser(server, "alice").post(CHAT).then().statusCode(401);
            asUser(server, "alice").header("X-Forwarded-Email", "a@example.com").post(CHAT).then().statusCode(200);
            asUser(server, "mallory").header("X-Forwarded-Email", "m@example.com").post(CHAT).then()
                    .statusCode(403).body("error.code", equalTo("user_not_allowed"));
            asUser(server, "bob.smith@example.com").header("X-Forwarded-Email", "b@example.com").post(CHAT).then()
                    .statusCode(403).body("error.code", equalTo("agent_not_allowed"))
                    .header("x-ratelimit-limit-requests", "5");
            asUser(server, "bob.smith@example.com").header("X-Forwarded-Email", "b@example.com")
                    .header("x-openclaw-agent-id", "coder").post(CHAT).then().statusCode(200);
            asUser(server, "al ice").header("X-Forwarded-Email", "a@example.com").post(CHAT).then().statusCode(401);
        }
    }

    @Test
    void trustedProxyModeRefusesToStartWithoutTrustedProxies() {
        Exception e = assertThrows(Exception.class, () -> GatewayServer.start("gateway.auth.mode", "trusted-proxy"));
        assertTrue(String.valueOf(e.getMessage()).contains("gateway.trustedProxies")
                || String.valueOf(e.getCause()).contains("gateway.trustedProxies"), String.valueOf(e));
    }

    @Test
    void undeclaredUsersGetTheDefaultAgents() throws Exception {
        try (GatewayServer server = GatewayServer.start(KeysTest.concat(SSO,
                new String[] {"gateway.auth.trustedProxy.defaultAgents", "main"}))) {
            asUser(server, "carol").post(CHAT).then().statusCode(200);
            asUser(server, "carol").header("x-openclaw-agent-id", "coder").post(CHAT).then().statusCode(403);
            List<String> ids = asUser(server, "carol").get("/v1/models").then().statusCode(200).extract()
                    .jsonPath().getList("data.id");
            assertEquals(List.of("openclaw", "openclaw/default", "openclaw/main", "openclaw:main"), ids);
        }
    }
}
