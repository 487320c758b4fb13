package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.clawgate.Gateway;
import dev.clawgate.Logfmt;
import dev.clawgate.events.RequestRecord;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * W3C Trace Context through the gateway, seen from a fake upstream: a client's {@code traceparent} reaches every
 * upstream call the request causes (streamed and not, retries and fallbacks, {@code /v1/responses},
 * {@code /v1/embeddings}) with the same trace id and flags and the gateway's own parent id, its {@code tracestate}
 * as sent; the access log shows the trace id; without a header nothing goes upstream unless
 * {@code gateway.tracing.generate=true} starts a trace, whose id is then the one logged.
 */
class TraceContextTest {
    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final String CLIENT_PARENT = "b7ad6b7169203331";
    static final String TRACEPARENT = "00-" + TRACE + "-" + CLIENT_PARENT + "-01";
    static final String TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
    static final Pattern SENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    static final String USER_HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    static FakeUpstream primary;
    static FakeUpstream backup;
    static GatewayServer server;
    static final LinkedBlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        primary = FakeUpstream.start();
        backup = FakeUpstream.start();
        server = GatewayServer.start(
                "models.providers.p.baseUrl", primary.baseUrl(),
                "models.providers.r.baseUrl", primary.baseUrl(),
                "models.providers.r.maxRetries", "1",
                "models.providers.r.retryMaxWaitMs", "0",
                "models.providers.b.baseUrl", backup.baseUrl(),
                "agents.main.model", "p/m1",
                "agents.main.embeddingModel", "p/embedder",
                "agents.flaky.model", "r/m1",
                "agents.flaky.fallbacks", "b/m2");
        gateway(server).onRequestFinished(records::add);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        primary.close();
        backup.close();
    }

    @BeforeEach
    void forget() {
        primary.pollRequestBodies();
        backup.pollRequestBodies();
        records.clear();
        primary.reply(Reply.sse(content("hello"), finish("stop")));
        backup.reply(Reply.sse(content("from backup"), finish("stop")));
    }

    static Gateway gateway(GatewayServer s) {
        return (Gateway) s.context().getServletContext().getAttribute(Gateway.ATTRIBUTE);
    }

    static RequestSpecification traced() {
        return server.api().header("traceparent", TRACEPARENT).header("tracestate", TRACESTATE);
    }

    /**
     * Asserts the upstream request continues the client's trace — same trace id and flags, a parent id of the
     * gateway's (not the client's, not zero), the client's tracestate — and returns that parent id.
     */
    static String assertContinuesTheClientsTrace(FakeUpstream.Received upstream) {
        assertNotNull(upstream, "no upstream request");
        String sent = upstream.headers().get("traceparent");
        assertNotNull(sent, "no traceparent upstream: " + upstream.headers());
        Matcher m = SENT.matcher(sent);
        assertTrue(m.matches(), sent);
        assertEquals(TRACE, m.group(1));
        assertNotEquals(CLIENT_PARENT, m.group(2));
        assertNotEquals("0000000000000000", m.group(2));
        assertEquals("01", m.group(3));
        assertEquals(TRACESTATE, upstream.headers().get("tracestate"));
        return m.group(2);
    }

    /** The record of request {@code requestId} (the access log's fields). */
    static RequestRecord recordOf(String requestId) throws InterruptedException {
        for (RequestRecord r = records.poll(5, TimeUnit.SECONDS); r != null; r = records.poll(5, TimeUnit.SECONDS)) {
            if (r.requestId().equals(requestId)) {
                return r;
            }
        }
        throw new AssertionError("no record of " + requestId);
    }

    @Test
    void aStreamedChatCompletionCarriesTheClientsTraceUpstreamWithTheGatewaysParentId() throws Exception {
        String id = traced().body("{\"stream\":true," + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(200).extract().header("x-request-id");
        assertContinuesTheClientsTrace(primary.nextRequest());
        assertEquals(TRACE, recordOf(id).traceId());
    }

    @Test
    void aNonStreamedChatCompletionCarriesTheClientsTraceUpstream() throws Exception {
        String id = traced().body("{" + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(200).body("choices[0].message.content", equalTo("hello")).extract().header("x-request-id");
        assertContinuesTheClientsTrace(primary.nextRequest());
        assertEquals(TRACE, recordOf(id).traceId());
    }

    @Test
    void eachRequestGetsItsOwnParentIdUpstream() throws Exception {
        traced().body("{" + USER_HI + "}").post("/v1/chat/completions").then().statusCode(200);
        String first = assertContinuesTheClientsTrace(primary.nextRequest());
        traced().body("{" + USER_HI + "}").post("/v1/chat/completions").then().statusCode(200);
        assertNotEquals(first, assertContinuesTheClientsTrace(primary.nextRequest()));
    }

    @Test
    void aRetryAndAFallbackCarryTheSameTraceAndParentIdAsTheFirstCall() throws Exception {
        primary.reply(Reply.error(500, "{\"error\":{\"message\":\"boom\"}}"));
        traced().body("{\"model\":\"openclaw:flaky\"," + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(200).header("x-openclaw-upstream-model", "b/m2")
                .body("choices[0].message.content", equalTo("from backup"));
        String first = assertContinuesTheClientsTrace(primary.nextRequest());
        String retry = assertContinuesTheClientsTrace(primary.nextRequest());
        String fallback = assertContinuesTheClientsTrace(backup.nextRequest());
        assertEquals(first, retry);
        assertEquals(first, fallback);
    }

    @Test
    void aResponsesRequestCarriesTheClientsTraceUpstream() throws Exception {
        String id = traced().body("{\"model\":\"openclaw\",\"input\":\"hi\",\"store\":false}").post("/v1/responses")
                .then().statusCode(200).body("output[0].content[0].text", equalTo("hello"))
                .extract().header("x-request-id");
        assertContinuesTheClientsTrace(primary.nextRequest());
        assertEquals(TRACE, recordOf(id).traceId());
    }

    @Test
    void anEmbeddingsRequestCarriesTheClientsTraceUpstream() throws Exception {
        primary.reply(Reply.json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                + "\"embedding\":[0.5]}],\"model\":\"embedder\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}"));
        String id = traced().body("{\"model\":\"openclaw\",\"input\":\"hi\"}").post("/v1/embeddings").then()
                .statusCode(200).body("data[0].embedding[0]", equalTo(0.5f)).extract().header("x-request-id");
        FakeUpstream.Received upstream = primary.nextRequest();
        assertEquals("/v1/embeddings", upstream.path());
        assertContinuesTheClientsTrace(upstream);
        assertEquals(TRACE, recordOf(id).traceId());
    }

    @Test
    void anInvalidTraceparentIsNotSentUpstreamNorItsTracestate() throws Exception {
        String id = server.api().header("traceparent", "00-" + TRACE.toUpperCase() + "-" + CLIENT_PARENT + "-01")
                .header("tracestate", TRACESTATE).body("{" + USER_HI + "}").post("/v1/chat/completions").then()
                .statusCode(200).extract().header("x-request-id");
        FakeUpstream.Received upstream = primary.nextRequest();
        assertNull(upstream.headers().get("traceparent"));
        assertNull(upstream.headers().get("tracestate"));
        assertEquals("", recordOf(id).traceId());
    }

    @Test
    void anOverlongTracestateIsDroppedAndTheTraceparentStillGoesUpstream() throws Exception {
        server.api().header("traceparent", TRACEPARENT).header("tracestate", "k=" + "v".repeat(511))
                .body("{" + USER_HI + "}").post("/v1/chat/completions").then().statusCode(200);
        FakeUpstream.Received upstream = primary.nextRequest();
        assertTrue(upstream.headers().get("traceparent").startsWith("00-" + TRACE + "-"), upstream.headers().toString());
        assertNull(upstream.headers().get("tracestate"));
    }

    @Test
    void theOpenAiJavaClientsTraceparentReachesTheUpstream() throws Exception {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1")
                .apiKey(GatewayServer.TOKEN).maxRetries(0).build();
        try {
            ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("openclaw").addUserMessage("hi").putAdditionalHeader("traceparent", TRACEPARENT)
                    .putAdditionalHeader("tracestate", TRACESTATE).build());
            assertEquals("hello", completion.choices().get(0).message().content().orElseThrow());
        } finally {
            client.close();
        }
        assertContinuesTheClientsTrace(primary.nextRequest());
    }

    /**
     * Sends a traced and an untraced chat request to a gateway of its own, adds what the upstream received to
     * {@code received} and returns the two requests' access-log lines, in the same order.
     */
    private static List<Map<String, String>> accessLines(GatewayServer own, FakeUpstream upstream,
                                                         List<FakeUpstream.Received> received) throws Exception {
        try (LogCapture log = LogCapture.atLeast(Level.INFO)) {
            List<String> ids = new ArrayList<>();
            try (own) {
                ids.add(own.api().header("traceparent", TRACEPARENT).body("{" + USER_HI + "}")
                        .post("/v1/chat/completions").then().statusCode(200).extract().header("x-request-id"));
                received.add(upstream.nextRequest());
                ids.add(own.api().body("{" + USER_HI + "}").post("/v1/chat/completions").then().statusCode(200)
                        .extract().header("x-request-id"));
                received.add(upstream.nextRequest());
            } // undeploy publishes the queued access lines
            List<Map<String, String>> access = log.lines().stream().filter(l -> l.startsWith("time="))
                    .map(Logfmt::parse).toList();
            assertEquals(2, access.size(), log.lines().toString());
            return ids.stream().map(id -> access.stream().filter(f -> id.equals(f.get("request_id"))).findFirst()
                    .orElseThrow()).toList();
        }
    }

    @Test
    void withoutGenerationAnUntracedRequestSendsNoTraceparentUpstreamAndLogsNoTraceId() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            List<FakeUpstream.Received> received = new ArrayList<>();
            List<Map<String, String>> lines = accessLines(GatewayServer.start(
                    "models.providers.up.baseUrl", upstream.baseUrl(), "agents.main.model", "up/m"),
                    upstream, received);
            assertTrue(received.get(0).headers().get("traceparent").startsWith("00-" + TRACE + "-"));
            assertEquals(TRACE, lines.get(0).get("trace_id"));
            assertFalse(received.get(1).headers().containsKey("traceparent"), received.get(1).headers().toString());
            assertFalse(received.get(1).headers().containsKey("tracestate"));
            assertEquals("", lines.get(1).get("trace_id"));
        }
    }

    @Test
    void withGenerationAnUntracedRequestStartsASampledTraceWhoseIdIsTheOneLogged() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            List<FakeUpstream.Received> received = new ArrayList<>();
            List<Map<String, String>> lines = accessLines(GatewayServer.start(
                    "models.providers.up.baseUrl", upstream.baseUrl(), "agents.main.model", "up/m",
                    "gateway.tracing.generate", "true"), upstream, received);
            assertTrue(received.get(0).headers().get("traceparent").startsWith("00-" + TRACE + "-"),
                    "a client's trace is continued, not replaced");
            assertEquals(TRACE, lines.get(0).get("trace_id"));

            String sent = received.get(1).headers().get("traceparent");
            assertNotNull(sent, received.get(1).headers().toString());
            Matcher m = SENT.matcher(sent);
            assertTrue(m.matches(), sent);
            assertNotEquals("0".repeat(32), m.group(1));
            assertNotEquals(TRACE, m.group(1));
            assertEquals("01", m.group(3));
            assertEquals(m.group(1), lines.get(1).get("trace_id"));
            assertFalse(received.get(1).headers().containsKey("tracestate"));
        }
    }
}
