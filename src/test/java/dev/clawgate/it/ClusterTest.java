package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Gateway;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.RedisServer;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes (two embedded Jetty servers, each with its own Gateway) against one redis-server of the test's
 * own: they share the rate limit, the lockout and the sessions, and they behave as documented while Redis is down.
 */
class ClusterTest {
    static final String CHAT = "/v1/chat/completions";
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}";
    static final AtomicInteger CLIENTS = new AtomicInteger();
    static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    /** Two nodes on the shared Redis; requests carry an X-Forwarded-For client address from the trusted loopback. */
    static List<GatewayServer> twoNodes(String... keyValues) throws Exception {
        List<String> all = new ArrayList<>(List.of("gateway.state.redis.url", redis.url(),
                "gateway.trustedProxies", "127.0.0.1", "gateway.auth.rateLimit.exemptLoopback", "false"));
        all.addAll(List.of(keyValues));
        String[] params = all.toArray(String[]::new);
        return List.of(GatewayServer.start(params), GatewayServer.start(params));
    }

    static void close(List<GatewayServer> nodes) throws Exception {
        for (GatewayServer n : nodes) {
            n.close();
        }
    }

    /** A client address nobody else in this run uses. */
    static String newClient() {
        return "198.51.100." + CLIENTS.incrementAndGet();
    }

    static RequestSpecification as(GatewayServer node, String client, String token) {
        RequestSpecification r = given().baseUri(node.baseUrl()).contentType("application/json")
                .header("X-Forwarded-For", client).body(HELLO);
        return token == null ? r : r.header("Authorization", "Bearer " + token);
    }

    @Test
    void aLimitOfThreePerMinuteIsSharedByBothNodes() throws Exception {
        List<GatewayServer> nodes = twoNodes("gateway.http.rateLimit.requestsPerMinute", "3");
        try {
            String client = newClient();
            as(nodes.get(0), client, GatewayServer.TOKEN).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-remaining-requests", "2");
            as(nodes.get(0), client, GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
            as(nodes.get(1), client, GatewayServer.TOKEN).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-remaining-requests", "0");
            as(nodes.get(1), client, GatewayServer.TOKEN).post(CHAT).then().statusCode(429)
                    .header("Retry-After", "20")
                    .body("error.code", equalTo("rate_limit_exceeded"));
            as(nodes.get(0), newClient(), GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
        } finally {
            close(nodes);
        }
    }

    @Test
    void aKeysTokenQuotaAndRequestLimitAreSharedByBothNodes() throws Exception {
        List<GatewayServer> nodes = twoNodes(KeysTest.concat(
                KeysTest.key("quota", KeysTest.KEY_A, "*", "tokensPerDay", "5"),
                KeysTest.key("limited", KeysTest.KEY_B, "*", "requestsPerMinute", "3")));
        try {
            java.util.concurrent.BlockingQueue<dev.clawgate.events.RequestRecord> done = KeysTest.finished(nodes.get(0));
            as(nodes.get(0), newClient(), KeysTest.KEY_A).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-remaining-tokens", "5");
            KeysTest.next(done);
            // node A's next check is queued behind its own charge on its connection: the charge is in Redis
            as(nodes.get(0), newClient(), KeysTest.KEY_A).post(CHAT).then().statusCode(429)
                    .body("error.type", equalTo("tokens"));
            as(nodes.get(1), newClient(), KeysTest.KEY_A).post(CHAT).then().statusCode(429)
                    .header("x-ratelimit-remaining-tokens", "0")
                    .body("error.code", equalTo("rate_limit_exceeded"));

            as(nodes.get(0), newClient(), KeysTest.KEY_B).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-remaining-requests", "2");
            as(nodes.get(1), newClient(), KeysTest.KEY_B).post(CHAT).then().statusCode(200)
                    .header("x-ratelimit-remaining-requests", "1");
            as(nodes.get(0), newClient(), KeysTest.KEY_B).post(CHAT).then().statusCode(200);
            as(nodes.get(1), newClient(), KeysTest.KEY_B).post(CHAT).then().statusCode(429)
                    .body("error.code", equalTo("rate_limit_exceeded"));
        } finally {
            close(nodes);
        }
    }

    @Test
    void aLockoutOnOneNodeHoldsOnTheOther() throws Exception {
        List<GatewayServer> nodes = twoNodes("gateway.auth.rateLimit.maxAttempts", "3");
        try {
            String client = newClient();
            as(nodes.get(0), client, "wrong-1").post(CHAT).then().statusCode(401);
            as(nodes.get(1), client, "wrong-2").post(CHAT).then().statusCode(401);
            as(nodes.get(0), client, "wrong-3").post(CHAT).then().statusCode(401);
            as(nodes.get(1), client, GatewayServer.TOKEN).post(CHAT).then().statusCode(429)
                    .header("Retry-After", "300")
                    .body("error.code", equalTo("auth_lockout"));
            as(nodes.get(0), client, GatewayServer.TOKEN).post(CHAT).then().statusCode(429);
            as(nodes.get(1), newClient(), GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
        } finally {
            close(nodes);
        }
    }

    @Test
    void aParallelBurstAcrossBothNodesGetsExactlyMaxAttempts401sAndTheRest429() throws Exception {
        List<GatewayServer> nodes = twoNodes("gateway.auth.rateLimit.maxAttempts", "5");
        try {
            assertEquals(java.util.Map.of(401, 5, 429, 45), LockoutBurst.fire(nodes, 50, "wrong", newClient()));
        } finally {
            close(nodes);
        }
    }

    @Test
    void ipv6AddressesInOneSlash64ShareALockoutOnBothNodes() throws Exception {
        List<GatewayServer> nodes = twoNodes("gateway.auth.rateLimit.maxAttempts", "2");
        try {
            as(nodes.get(0), "2001:db8:77:1::1", "wrong").post(CHAT).then().statusCode(401);
            as(nodes.get(1), "2001:db8:77:1::2", "wrong").post(CHAT).then().statusCode(401);
            as(nodes.get(0), "2001:db8:77:1:abcd::3", GatewayServer.TOKEN).post(CHAT).then().statusCode(429);
            as(nodes.get(1), "2001:db8:77:2::1", GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
        } finally {
            close(nodes);
        }
    }

    @Test
    void aConversationStartedOnOneNodeContinuesOnTheOther() throws Exception {
        List<GatewayServer> nodes = twoNodes();
        try {
            String user = "carol-" + System.nanoTime();
            as(nodes.get(0), newClient(), GatewayServer.TOKEN)
                    .body("{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}")
                    .post(CHAT).then().statusCode(200).body("usage.prompt_tokens", equalTo(2));
            // node B sees "a b" + "echo: a b" + the new "c": 6 words
            as(nodes.get(1), newClient(), GatewayServer.TOKEN)
                    .body("{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"c\"}]}")
                    .post(CHAT).then().statusCode(200).body("usage.prompt_tokens", equalTo(6));
            // and back on A: 6 + "echo: c" (2) + "d" = 9
            as(nodes.get(0), newClient(), GatewayServer.TOKEN)
                    .body("{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"d\"}]}")
                    .post(CHAT).then().statusCode(200).body("usage.prompt_tokens", equalTo(9));
        } finally {
            close(nodes);
        }
    }

    @Test
    void aResponseMadeOnOneNodeIsContinuedAndFetchedOnTheOther() throws Exception {
        List<GatewayServer> nodes = twoNodes();
        try {
            io.restassured.response.Response first = as(nodes.get(0), newClient(), GatewayServer.TOKEN)
                    .body("{\"input\":\"a b\",\"stream\":false}").post("/v1/responses");
            first.then().statusCode(200).body("usage.input_tokens", equalTo(2));
            String id = first.path("id");
            // B finds the response at once and continues its conversation: "a b" + "echo: a b" + "c" = 6 words
            as(nodes.get(1), newClient(), GatewayServer.TOKEN)
                    .body("{\"input\":\"c\",\"previous_response_id\":\"" + id + "\"}").post("/v1/responses")
                    .then().statusCode(200).body("usage.input_tokens", equalTo(6));
            as(nodes.get(1), newClient(), GatewayServer.TOKEN).get("/v1/responses/" + id).then().statusCode(200)
                    .body(equalTo(first.asString()));
        } finally {
            close(nodes);
        }
    }

    @Test
    void concurrentTurnsOnOneSessionThroughBothNodesAreAllKept() throws Exception {
        List<GatewayServer> nodes = twoNodes();
        try {
            String key = "shared-" + System.nanoTime();
            List<java.util.concurrent.CompletableFuture<Integer>> turns = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                GatewayServer node = nodes.get(i % 2);
                String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"m" + i + "\"}]}";
                turns.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> as(node, newClient(),
                        GatewayServer.TOKEN).header("x-openclaw-session-key", key).body(body).post(CHAT)
                        .statusCode()));
            }
            for (java.util.concurrent.CompletableFuture<Integer> t : turns) {
                assertEquals(200, t.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            // 8 turns of "mN" + "echo: mN" (3 words each), then the new "last"
            as(nodes.get(0), newClient(), GatewayServer.TOKEN).header("x-openclaw-session-key", key)
                    .body("{\"messages\":[{\"role\":\"user\",\"content\":\"last\"}]}")
                    .post(CHAT).then().statusCode(200).body("usage.prompt_tokens", equalTo(8 * 3 + 1));
        } finally {
            close(nodes);
        }
    }

    @Test
    void whileRedisIsDownLimitsAreOpenStatefulRequestsGet503AndTheNodesRecoverWhenItReturns() throws Exception {
        List<GatewayServer> nodes = twoNodes(KeysTest.concat(new String[] {
                "gateway.http.rateLimit.requestsPerMinute", "1", "gateway.auth.rateLimit.maxAttempts", "1"},
                KeysTest.key("capped", KeysTest.KEY_A, "*", "requestsPerMinute", "1", "tokensPerDay", "1")));
        AtomicInteger storeErrors = new AtomicInteger();
        ((Gateway) nodes.get(0).context().getServletContext().getAttribute(Gateway.ATTRIBUTE))
                .events(new GatewayEvents() {
                    @Override
                    public void stateStoreError(String kind) {
                        storeErrors.incrementAndGet();
                    }
                });
        String stateful = "{\"user\":\"dave\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}";
        try {
            GatewayServer a = nodes.get(0);
            redis.stop();
            awaitReadiness(a, 503);
            String client = newClient();
            for (int i = 0; i < 3; i++) { // a limit of 1 per minute, yet all pass: fail open, without the headers
                as(a, client, GatewayServer.TOKEN).post(CHAT).then().statusCode(200)
                        .header("x-ratelimit-remaining-requests", nullValue());
            }
            for (int i = 0; i < 2; i++) { // a key's request limit and token quota are open too
                as(a, newClient(), KeysTest.KEY_A).post(CHAT).then().statusCode(200)
                        .header("x-ratelimit-remaining-requests", nullValue())
                        .header("x-ratelimit-remaining-tokens", nullValue());
            }
            as(a, client, "wrong").post(CHAT).then().statusCode(401); // would lock out with maxAttempts 1
            as(a, client, GatewayServer.TOKEN).post(CHAT).then().statusCode(200);
            as(a, client, GatewayServer.TOKEN).body(stateful).post(CHAT).then().statusCode(503)
                    .header("Retry-After", "1")
                    .body("error.type", equalTo("service_unavailable"));
            given().baseUri(a.baseUrl()).get("/healthz").then().statusCode(200);
            assertTrue(storeErrors.get() > 0, "the failures reach the events sink");

            redis.startAgain();
            awaitReadiness(a, 200);
            awaitReadiness(nodes.get(1), 200);
            as(nodes.get(1), client, GatewayServer.TOKEN).body(stateful).post(CHAT).then().statusCode(200);
            as(a, client, GatewayServer.TOKEN).post(CHAT).then().statusCode(429); // the shared limit is back
        } finally {
            if (!isUp()) {
                redis.startAgain();
            }
            close(nodes);
        }
    }

    @Test
    void theRedisPasswordNeverReachesTheLogEvenThroughAnOutage() throws Exception {
        String password = "redis-pw-never-logged-0123456789";
        try (RedisServer locked = RedisServer.start("--requirepass", password);
             LogCapture log = LogCapture.atLeast(java.util.logging.Level.ALL)) {
            GatewayServer node = GatewayServer.start("gateway.state.redis.url",
                    "redis://:" + password + "@127.0.0.1:" + locked.port());
            try {
                as(node, newClient(), GatewayServer.TOKEN)
                        .body("{\"user\":\"erin\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}")
                        .post(CHAT).then().statusCode(200);
                locked.stop();
                awaitReadiness(node, 503);
                as(node, newClient(), GatewayServer.TOKEN)
                        .body("{\"user\":\"erin\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}")
                        .post(CHAT).then().statusCode(503);
            } finally {
                node.close();
            }
            List<String> lines = log.lines();
            assertTrue(lines.stream().anyMatch(l -> l.contains("Redis at 127.0.0.1:" + locked.port())), lines::toString);
            for (String line : lines) {
                assertFalse(line.contains(password), line);
            }
        }
    }

    @Test
    void undeployStopsEveryRedisClientThread() throws Exception {
        close(twoNodes());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lettuce-") || t.getName().startsWith("clawgate-redis")) {
                t.join(5_000);
                assertFalse(t.isAlive(), t.getName() + " outlived the undeploy");
            }
        }
    }

    static boolean isUp() {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", redis.port())) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Polls /readyz until it answers {@code status}, for at most 15 s (the health PING runs every second). */
    static void awaitReadiness(GatewayServer node, int status) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        int last;
        do {
            last = given().baseUri(node.baseUrl()).get("/readyz").statusCode();
            if (last == status) {
                return;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        assertEquals(status, last, "/readyz did not turn " + status + " within 15 s");
    }
}
