package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built WAR in the Jetty 12 distribution, configured by the shipped {@code deploy/jetty/clawgate.xml}, behind a
 * real nginx running the shipped {@code deploy/nginx/clawgate.conf}. The echo model is paced
 * ({@code models.providers.echo.wordDelayMs=150}), so a stream lasts over a second and buffering anywhere on the way
 * would show. nginx must be installed
 * ({@code .ci/run} installs it); {@code -Dit.nginx.skip=true} skips this class.
 */
class NginxIT {
    static final long WORD_DELAY_MS = 150;
    static JettyDistribution jetty;
    static NginxProxy nginx;

    @BeforeAll
    static void start() throws Exception {
        assumeFalse(Boolean.getBoolean("it.nginx.skip"), "it.nginx.skip is set");
        assertTrue(NginxProxy.installed(), "nginx is not installed: run .ci/run, or apt-get install -y nginx, "
                + "or skip with -Dit.nginx.skip=true");
        // the shipped context XML as an operator would use it (it trusts 127.0.0.1 as proxy), plus a paced echo
        jetty = JettyDistribution.startWithDecoys("proxied", Integer.getInteger("it.proxied.jetty.port"),
                Path.of("deploy/jetty/clawgate.xml"), List.of("examples", "manager"),
                "models.providers.echo.wordDelayMs=" + WORD_DELAY_MS);
        nginx = NginxProxy.start(Integer.getInteger("it.nginx.port"), jetty.port());
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (jetty != null) {
            jetty.close();
        }
    }

    @Test
    void sseIsNotBufferedTheRoleChunkAndFirstDeltaArriveLongBeforeTheStreamEnds() throws Exception {
        String words = "one two three four five six seven eight";
        try (RawHttp http = new RawHttp(nginx.port())) {
            http.post("/clawgate/v1/chat/completions", "{\"model\":\"openclaw:main\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"" + words + "\"}]}",
                    "Authorization: Bearer " + JettyDistribution.TOKEN);
            String head = http.readHead().toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 200"), head);
            assertTrue(head.contains("\ncontent-type: text/event-stream"), head);
            assertTrue(head.contains("\nserver: nginx"), "the answer came through nginx: " + head);

            SseFrames frames = new SseFrames(http);
            assertTrue(frames.next().contains("\"delta\":{\"role\":\"assistant\"}"), "the role chunk comes first");
            String first = frames.next();
            long firstDeltaAt = System.nanoTime();
            assertTrue(first.contains("\"delta\":{\"content\":\"echo:\"}"), first);
            // the first delta is here; the other 8 words are still being produced, one every 150 ms
            List<String> rest = new ArrayList<>();
            String frame;
            while (!(frame = frames.next()).equals("data: [DONE]")) {
                rest.add(frame);
            }
            long doneAt = System.nanoTime();
            assertEquals(9, rest.size(), "8 words and the finish chunk: " + rest);
            assertTrue(rest.get(0).contains("\"content\":\" one\""), rest.get(0));
            assertTrue(rest.get(8).contains("\"finish_reason\":\"stop\""), rest.get(8));
            long gapMs = TimeUnit.NANOSECONDS.toMillis(doneAt - firstDeltaAt);
            assertTrue(gapMs >= 4 * WORD_DELAY_MS, "the first delta reached the client " + gapMs
                    + " ms before the end, so nginx passed it on while the stream was still open");
        }
    }

    @Test
    void jsonAnswersAndErrorsPassThroughNginxUnchanged() {
        given().baseUri(nginx.baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + JettyDistribution.TOKEN)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("Server", startsWith("nginx")).header("x-request-id", notNullValue())
                .body("choices[0].message.content", equalTo("echo: hi"));
        given().baseUri(nginx.baseUrl()).get("/v1/nowhere").then().statusCode(404)
                .contentType(startsWith("application/json")).body("error.code", equalTo("not_found"));
        given().baseUri(nginx.baseUrl()).get("/readyz").then().statusCode(200);
    }

    @Test
    void onlyTheGatewaysContextIsProxiedTheRestOfTheAppServerIs404() {
        String direct = "http://127.0.0.1:" + jetty.port();
        String proxied = "http://127.0.0.1:" + nginx.port();
        // the decoys answer when asked directly, so a 404 through nginx is nginx refusing to proxy them
        given().baseUri(direct).get("/examples/").then().statusCode(200).body(containsString("decoy examples"));
        given().baseUri(direct).get("/manager/").then().statusCode(200).body(containsString("decoy manager"));
        for (String path : List.of("/examples/", "/manager/", "/manager/html", "/host-manager/html", "/docs/", "/",
                "/clawgatex/v1/models")) {
            given().baseUri(proxied).get(path).then().statusCode(404)
                    .contentType(startsWith("application/json")).body("error.code", equalTo("not_found"))
                    .body(not(containsString("decoy")));
        }
        given().baseUri(proxied).header("Authorization", "Bearer " + JettyDistribution.TOKEN)
                .get("/clawgate/v1/models").then().statusCode(200);
    }

    @Test
    void theForwardedClientIsLockedOutBecauseNginxIsATrustedProxyWhileLoopbackStaysExempt() {
        // the shipped Jetty XML: gateway.trustedProxies=127.0.0.1, lockout after 10 wrong secrets, loopback exempt.
        // nginx appends the peer to the client's X-Forwarded-For, so the gateway sees "10.9.9.9, 127.0.0.1" from a
        // trusted 127.0.0.1 and takes 10.9.9.9 as the client.
        for (int i = 0; i < 10; i++) {
            viaNginx("Bearer wrong-" + i, "10.9.9.9").then().statusCode(401);
        }
        viaNginx("Bearer " + JettyDistribution.TOKEN, "10.9.9.9").then().statusCode(429)
                .body("error.code", equalTo("auth_lockout"));
        viaNginx("Bearer " + JettyDistribution.TOKEN, "10.9.9.10").then().statusCode(200);
        // the same peer without a forwarded address is loopback: never locked out
        for (int i = 0; i < 12; i++) {
            viaNginx("Bearer wrong", null).then().statusCode(401);
        }
        viaNginx("Bearer " + JettyDistribution.TOKEN, null).then().statusCode(200);
    }

    private static io.restassured.response.Response viaNginx(String authorization, String forwardedFor) {
        io.restassured.specification.RequestSpecification spec = given().baseUri(nginx.baseUrl())
                .contentType("application/json").header("Authorization", authorization)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        if (forwardedFor != null) {
            spec.header("X-Forwarded-For", forwardedFor);
        }
        return spec.post("/v1/chat/completions");
    }

    /** Splits the de-chunked SSE body into frames as they arrive, however nginx cut the chunks. */
    static final class SseFrames {
        private final RawHttp http;
        private final StringBuilder pending = new StringBuilder();

        SseFrames(RawHttp http) {
            this.http = http;
        }

        /** The next frame without its blank line, skipping keepalive comments. */
        String next() throws IOException {
            while (true) {
                int end = pending.indexOf("\n\n");
                if (end >= 0) {
                    String frame = pending.substring(0, end);
                    pending.delete(0, end + 2);
                    if (frame.startsWith(":")) {
                        continue;
                    }
                    return frame;
                }
                String chunk = http.readChunk();
                if (chunk == null) {
                    throw new IOException("the stream ended inside a frame: " + pending);
                }
                pending.append(chunk);
            }
        }
    }
}
