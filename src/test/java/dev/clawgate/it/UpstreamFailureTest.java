package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Gateway;
import dev.clawgate.events.GatewayEvents;
import io.restassured.specification.RequestSpecification;
import java.net.ServerSocket;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every upstream failure becomes the right OpenAI error (SPEC §7–§8), before or after the stream started. */
class UpstreamFailureTest {
    static final String KEY = "sk-never-show-this-key-42";
    static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    static FakeUpstream upstream;
    static GatewayServer server;
    static final List<String> upstreamErrors = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        server = GatewayServer.start(
                "models.providers.fake.baseUrl", upstream.baseUrl(),
                "models.providers.fake.apiKey", KEY,
                "models.providers.fake.timeoutMs", "400",
                "models.providers.dead.baseUrl", "http://127.0.0.1:" + deadPort + "/v1",
                "agents.main.model", "fake/m",
                "agents.nowhere.model", "dead/m");
        Gateway gateway = (Gateway) server.context().getServletContext().getAttribute(Gateway.ATTRIBUTE);
        gateway.events(new GatewayEvents() {
            @Override
            public void upstreamError(String agent, String kind) {
                upstreamErrors.add(agent + ":" + kind);
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstreamErrors.clear();
    }

    static RequestSpecification api() {
        return server.api();
    }

    /** Status line + headers, and the de-chunked body or the fixed-length body of a raw streaming request. */
    static String[] rawStream(String model) throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":true," + HI + "}",
                    "Authorization: Bearer " + GatewayServer.TOKEN);
            String head = http.readHead();
            String body = head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")
                    ? http.readChunkedBody() : http.readFixedBody(head);
            return new String[] {head, body};
        }
    }

    @Test
    void aRefusedConnectionIsA502() {
        api().body("{\"model\":\"openclaw:nowhere\"," + HI + "}").post("/v1/chat/completions").then()
                .statusCode(502)
                .body("error.type", equalTo("api_error"))
                .body("error.code", equalTo("upstream_unavailable"));
        assertEquals(List.of("nowhere:connect"), upstreamErrors);
    }

    @Test
    void anUpstream500IsA502WithoutItsBody() {
        upstream.reply(Reply.error(500, "{\"error\":{\"message\":\"stack trace at Foo.java:12\"}}"));
        api().body("{" + HI + "}").post("/v1/chat/completions").then()
                .statusCode(502)
                .body("error.type", equalTo("api_error"))
                .body("error.code", equalTo("upstream_error"))
                .body("error.message", not(containsString("Foo.java")));
        assertEquals(List.of("main:status_5xx"), upstreamErrors);
    }

    @Test
    void aStreamingClientGetsARealHttp502WhenTheUpstreamFailsBeforeAnswering() throws Exception {
        upstream.reply(Reply.error(503, "{}"));
        String[] r = rawStream("openclaw");
        assertTrue(r[0].startsWith("HTTP/1.1 502"), r[0]);
        assertTrue(r[0].toLowerCase(Locale.ROOT).contains("content-type: application/json"), r[0]);
        assertTrue(r[1].contains("\"code\":\"upstream_error\""), r[1]);
    }

    @Test
    void anUpstream429IsA429WithItsRetryAfter() {
        upstream.reply(Reply.error(429, "{\"error\":{\"message\":\"Rate limit reached\"}}")
                .withHeader("Retry-After", "7").withHeader("X-Upstream-Secret", "internal"));
        api().body("{" + HI + "}").post("/v1/chat/completions").then()
                .statusCode(429)
                .header("Retry-After", "7")
                .header("X-Upstream-Secret", nullValue())
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.message", equalTo("Rate limit reached"));
        assertEquals(List.of("main:status_429"), upstreamErrors);
    }

    @Test
    void anUpstream400KeepsItsStatusAndMessage() {
        upstream.reply(Reply.error(400, "{\"error\":{\"message\":\"max_tokens is too large\",\"type\":\"x\"}}"));
        api().body("{" + HI + "}").post("/v1/chat/completions").then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("max_tokens is too large"));
        assertEquals(List.of("main:status_4xx"), upstreamErrors);
    }

    @Test
    void theProviderKeyNeverAppearsInAnError() {
        upstream.reply(Reply.error(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}"));
        String body = api().body("{" + HI + "}").post("/v1/chat/completions").then().statusCode(401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.nullValue())
                .body("error.code", equalTo("upstream_rejected"))
                .extract().asString();
        assertTrue(body.contains("Incorrect API key provided: ****"), body);
        assertTrue(!body.contains(KEY), body);
    }

    @Test
    void anUpstreamSilentPastTimeoutMsIsA504AndItsConnectionIsClosed() throws Exception {
        upstream.reply(Reply.silence());
        api().body("{" + HI + "}").post("/v1/chat/completions").then()
                .statusCode(504)
                .body("error.type", equalTo("api_error"))
                .body("error.code", equalTo("upstream_timeout"));
        assertTrue(upstream.awaitClientClose(1, TimeUnit.SECONDS) > 0, "the upstream saw its connection closed");
        assertEquals(List.of("main:timeout"), upstreamErrors);
    }

    @Test
    void aStreamThatDropsMidWayEndsWithAnErrorFrameThenDone() throws Exception {
        upstream.reply(Reply.sse(content("par"), content("tial"), finish("stop")).droppedAfter(2));
        String[] r = rawStream("openclaw");
        assertTrue(r[0].startsWith("HTTP/1.1 200"), r[0]);
        List<String> frames = StreamingTest.frames(r[1]);
        assertTrue(frames.get(2).contains("\"content\":\"tial\""), r[1]);
        assertEquals("data: {\"error\":{\"message\":\"The upstream model server closed the stream before the answer"
                + " was finished.\",\"type\":\"api_error\",\"param\":null,\"code\":\"upstream_dropped\"}}",
                frames.get(3));
        assertEquals("data: [DONE]", frames.get(4));
        assertEquals(5, frames.size());
        assertEquals(List.of("main:dropped"), upstreamErrors);
    }

    @Test
    void aNonStreamingClientGetsA502WhenTheStreamDrops() {
        upstream.reply(Reply.sse(content("par"), finish("stop")).droppedAfter(1));
        api().body("{" + HI + "}").post("/v1/chat/completions").then()
                .statusCode(502).body("error.code", equalTo("upstream_dropped"));
    }

    @Test
    void anErrorEventInsideTheStreamIsRelayedAsAnErrorFrame() throws Exception {
        upstream.reply(Reply.sse(content("a"), "{\"error\":{\"message\":\"model overloaded\"}}"));
        String[] r = rawStream("openclaw");
        assertTrue(r[1].contains("\"message\":\"model overloaded\""), r[1]);
        assertTrue(r[1].endsWith("data: [DONE]\n\n"), r[1]);
    }
}
