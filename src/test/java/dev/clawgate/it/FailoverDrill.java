package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Poll;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the Sentinel and Cluster failover tests share: two gateway nodes on one HA Redis, a turn committed before the
 * failover, traffic on both nodes while it runs, and the checks afterwards — every answer during it was a success
 * or the documented Redis-down behaviour, and after it the session continues on the other node with the turn from
 * before, readiness is 200 and the shared rate limit works again, without restarting a gateway.
 */
final class FailoverDrill implements AutoCloseable {
    static final String CHAT = "/v1/chat/completions";
    /** Longest any phase of a drill may take. */
    static final Duration PHASE = Duration.ofSeconds(40);
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    final List<GatewayServer> nodes;
    private final String user = "ha-" + System.nanoTime();

    /** One answer seen during the drill. */
    record Outcome(boolean stateful, int status, String retryAfter, String code, long atNanos) {
    }

    /** Two nodes on {@code url} (and {@code keyValues}), requests limited to 3 per minute per client. */
    FailoverDrill(String url, String... keyValues) throws Exception {
        List<String> all = new ArrayList<>(List.of("gateway.state.redis.url", url,
                "gateway.trustedProxies", "127.0.0.1", "gateway.auth.rateLimit.exemptLoopback", "false",
                "gateway.http.rateLimit.requestsPerMinute", "3"));
        all.addAll(List.of(keyValues));
        String[] params = all.toArray(String[]::new);
        GatewayServer a = GatewayServer.start(params);
        try {
            nodes = List.of(a, GatewayServer.start(params));
        } catch (Exception e) {
            a.close();
            throw e;
        }
    }

    /** A client address nobody else in this run uses. */
    static String newClient() {
        int n = CLIENTS.incrementAndGet();
        return "203.0." + (113 + n / 250) % 256 + "." + (1 + n % 250);
    }

    static RequestSpecification as(GatewayServer node, String client) {
        return given().baseUri(node.baseUrl()).contentType("application/json")
                .header("X-Forwarded-For", client).header("Authorization", "Bearer " + GatewayServer.TOKEN);
    }

    private static String turn(String user, String content) {
        return "{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    /** The drill's session's first turn, on node A: "a b" (2 words), committed before any failover. */
    void commitBeforeFailover() {
        as(nodes.get(0), newClient()).body(turn(user, "a b")).post(CHAT).then().statusCode(200)
                .body("usage.prompt_tokens", org.hamcrest.Matchers.equalTo(2));
    }

    /** Requests on both nodes, one thread each, alternating stateless and stateful (each on a session of its own). */
    final class Traffic implements AutoCloseable {
        private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final CountDownLatch stopped = new CountDownLatch(nodes.size());
        private final CountDownLatch warm = new CountDownLatch(4);

        Traffic() {
            for (GatewayServer node : nodes) {
                Thread t = new Thread(() -> loop(node), "failover-traffic");
                t.setDaemon(true);
                t.start();
            }
        }

        private void loop(GatewayServer node) {
            try {
                for (long i = 0; running.get(); i++) {
                    boolean stateful = i % 2 == 1;
                    String body = stateful ? turn("traffic-" + System.nanoTime(), "t " + i)
                            : "{\"messages\":[{\"role\":\"user\",\"content\":\"t " + i + "\"}]}";
                    Response r = as(node, newClient()).body(body).post(CHAT);
                    outcomes.add(new Outcome(stateful, r.statusCode(), r.header("Retry-After"),
                            r.statusCode() == 200 ? null : r.path("error.code"), System.nanoTime()));
                    warm.countDown();
                }
            } finally {
                stopped.countDown();
            }
        }

        /** Returns once both nodes have answered a few requests. */
        void awaitRunning() throws InterruptedException {
            assertTrue(warm.await(PHASE.toSeconds(), TimeUnit.SECONDS), "the traffic never got an answer");
        }

        /** Stops the traffic; every answer it got, in order. */
        List<Outcome> stop() throws InterruptedException {
            running.set(false);
            assertTrue(stopped.await(PHASE.toSeconds(), TimeUnit.SECONDS), "the traffic did not stop");
            return List.copyOf(outcomes);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            stopped.await(PHASE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * Every answer was a success or the documented Redis-down behaviour: stateless requests pass (limits fail open),
     * stateful ones get 503 {@code session_store_unavailable} with {@code Retry-After: 1}. At least one request ran
     * after {@code sinceNanos} (the failover's start).
     */
    static void assertRedisDownBehaviourOrSuccess(List<Outcome> outcomes, long sinceNanos) {
        long during = outcomes.stream().filter(o -> o.atNanos() - sinceNanos > 0).count();
        assertTrue(during > 0, "no request ran during the failover");
        for (Outcome o : outcomes) {
            if (o.status() == 200) {
                continue;
            }
            assertTrue(o.stateful(), "a stateless request failed during the failover: " + o);
            assertEquals(503, o.status(), o.toString());
            assertEquals("1", o.retryAfter(), o.toString());
            assertEquals("session_store_unavailable", o.code(), o.toString());
        }
    }

    /** The nodes' readiness is 200 again (polled). */
    void awaitReady() {
        for (GatewayServer node : nodes) {
            Poll.untilTrue("/readyz 200 on " + node.baseUrl(), PHASE,
                    () -> given().baseUri(node.baseUrl()).get("/readyz").statusCode() == 200);
        }
    }

    /**
     * The session continues on node B with the turn from before the failover: "a b" + "echo: a b" + "c" = 6 words.
     * Called once Redis has a primary with a replica in sync, so a refused attempt (the nodes may not have found the
     * new primary yet) stores nothing; polled until it is served.
     *
     * @return when it was first served
     */
    long awaitSessionContinuesOnTheOtherNode() {
        Response served = Poll.until("the session served on node B", PHASE, () -> {
            Response r = as(nodes.get(1), newClient()).body(turn(user, "c")).post(CHAT);
            return r.statusCode() == 200 ? r : null;
        });
        long at = System.nanoTime();
        assertEquals(6, (Integer) served.path("usage.prompt_tokens"), served.asString());
        return at;
    }

    /** The shared limit of 3 per minute holds again across both nodes. */
    void assertRateLimitingWorks() {
        String client = newClient();
        as(nodes.get(0), client).body("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").post(CHAT).then()
                .statusCode(200).header("x-ratelimit-remaining-requests", "2");
        as(nodes.get(1), client).body("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").post(CHAT).then()
                .statusCode(200).header("x-ratelimit-remaining-requests", "1");
        as(nodes.get(0), client).body("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").post(CHAT).then()
                .statusCode(200).header("x-ratelimit-remaining-requests", "0");
        as(nodes.get(1), client).body("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").post(CHAT).then()
                .statusCode(429).body("error.code", org.hamcrest.Matchers.equalTo("rate_limit_exceeded"));
    }

    /** For the test's output: how many answers, how many 503s, and how long after {@code start} the last came. */
    static String summary(List<Outcome> outcomes, long start) {
        List<Outcome> refused = outcomes.stream().filter(o -> o.status() != 200).toList();
        return outcomes.size() + " answers during the drill, " + refused.size() + " of them 503"
                + (refused.isEmpty() ? "" : ", the last " + seconds(refused.stream().mapToLong(Outcome::atNanos)
                .max().getAsLong() - start) + " after the failover began");
    }

    static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    @Override
    public void close() throws Exception {
        for (GatewayServer n : nodes) {
            n.close();
        }
    }
}
