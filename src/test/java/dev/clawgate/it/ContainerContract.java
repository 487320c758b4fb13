package dev.clawgate.it;

import static dev.clawgate.it.StreamingTest.assertSseHead;
import static dev.clawgate.it.StreamingTest.choice;
import static dev.clawgate.it.StreamingTest.frames;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStreamEvent;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What clawgate promises in any servlet container, run against the built WAR in a real container (subclasses give
 * its base URL, context path included). The containers are configured only from their side: context init
 * parameters (see {@code src/it/}) and the token in the process environment.
 */
abstract class ContainerContract {
    static final String TOKEN = JettyDistribution.TOKEN;
    static final String AUTH = "Authorization: Bearer " + TOKEN;

    /**
     * The fake OpenAI-compatible upstream behind agent {@code upstream}, on the port the containers were given. One
     * for the whole IT run, shared by the container classes in turn: rebinding the fixed port after the previous
     * class closed it can race with connections the still-running container holds to it.
     */
    static FakeUpstream upstream;

    @BeforeAll
    static void startUpstream() throws Exception {
        synchronized (ContainerContract.class) {
            if (upstream == null) {
                upstream = FakeUpstream.start(Integer.getInteger("it.upstream.port"));
            }
        }
        upstream.pollRequestBodies();
    }

    /** {@code http://127.0.0.1:<port>/clawgate}. */
    abstract String baseUrl();

    RequestSpecification api() {
        return given().baseUri(baseUrl()).contentType("application/json").header("Authorization", "Bearer " + TOKEN);
    }

    String contextPath() {
        return URI.create(baseUrl()).getPath();
    }

    int port() {
        return URI.create(baseUrl()).getPort();
    }

    static String userMessage(String model, String text) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    /** A client key declared in the container's context parameters: agent {@code helper} only, with limits. */
    static final String CLIENT_KEY = "it-client-key-0123456789abcdef";

    @Test
    void aClientKeyDeclaredByTheContainerIsLimitedToItsAgentAndCarriesItsLimitHeaders() {
        RequestSpecification key = given().baseUri(baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + CLIENT_KEY);
        assertEquals(List.of("openclaw/helper", "openclaw:helper"), key.get("/v1/models").then().statusCode(200)
                .extract().jsonPath().getList("data.id"));
        given().baseUri(baseUrl()).contentType("application/json").header("Authorization", "Bearer " + CLIENT_KEY)
                .body(userMessage("openclaw:main", "hi")).post("/v1/chat/completions").then().statusCode(403)
                .body("error.type", equalTo("permission_error"))
                .body("error.code", equalTo("agent_not_allowed"));
        given().baseUri(baseUrl()).contentType("application/json").header("Authorization", "Bearer " + CLIENT_KEY)
                .body(userMessage("openclaw:helper", "hi")).post("/v1/chat/completions").then().statusCode(200)
                .header("x-ratelimit-limit-requests", "1000")
                .header("x-ratelimit-limit-tokens", "1000000")
                .body("choices[0].message.content", equalTo("echo: hi"));
        given().baseUri(baseUrl()).header("Authorization", "Bearer " + CLIENT_KEY).get("/metrics").then()
                .statusCode(403);
    }

    @Test
    void aStreamSendsRoleThenWordsThenFinishThenDoneWithSseHeaders() throws Exception {
        try (RawHttp http = new RawHttp(port())) {
            http.post(contextPath() + "/v1/chat/completions", "{\"model\":\"openclaw:main\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}", AUTH);
            String head = assertSseHead(http.readHead());
            assertTrue(head.contains("\ntransfer-encoding: chunked\n"), head);
            assertEquals(List.of(
                    choice("{\"role\":\"assistant\"}", "null", false),
                    choice("{\"content\":\"echo:\"}", "null", false),
                    choice("{\"content\":\" hello\"}", "null", false),
                    choice("{\"content\":\" world\"}", "null", false),
                    choice("{}", "\"stop\"", false),
                    "data: [DONE]"), frames(http.readChunkedBody()));
        }
    }

    @Test
    void aNonStreamingReplyIsOneJsonCompletion() {
        api().body(userMessage("openclaw", "hello world")).post("/v1/chat/completions").then().statusCode(200)
                .contentType(startsWith("application/json")).header("x-request-id", notNullValue())
                .body("object", equalTo("chat.completion"))
                .body("choices[0].message.content", equalTo("echo: hello world"))
                .body("choices[0].finish_reason", equalTo("stop"));
    }

    @Test
    void modelAndHeaderRouteToTheAgentsTheContainerConfigured() {
        // the helper agent's system prompt, "You ${env:HOME}" in the container's file, adds 2 words to the prompt:
        // that tells which agent ran, and that the container passed ${env:...} through for clawgate to resolve
        api().body(userMessage("openclaw:helper", "hi")).post("/v1/chat/completions").then().statusCode(200)
                .body("model", equalTo("openclaw:helper")).body("usage.prompt_tokens", equalTo(3));
        api().header("x-openclaw-agent-id", "helper").body(userMessage("openclaw", "hi"))
                .post("/v1/chat/completions").then().statusCode(200).body("usage.prompt_tokens", equalTo(3));
        api().body(userMessage("openclaw:main", "hi")).post("/v1/chat/completions").then().statusCode(200)
                .body("usage.prompt_tokens", equalTo(1));
        api().body(userMessage("openclaw:nobody", "hi")).post("/v1/chat/completions").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"));
    }

    @Test
    void anUpstreamAgentRelaysTheUpstreamsStreamAndItsModelName() throws Exception {
        upstream.reply(Reply.sse(Reply.role(), Reply.content("Hi"), Reply.content(" there"), Reply.finish("stop")));
        try (RawHttp http = new RawHttp(port())) {
            http.post(contextPath() + "/v1/chat/completions", "{\"model\":\"openclaw:upstream\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}", AUTH);
            assertSseHead(http.readHead());
            List<String> frames = frames(http.readChunkedBody());
            assertEquals("data: [DONE]", frames.get(frames.size() - 1), frames.toString());
            for (String delta : List.of("{\"content\":\"Hi\"}", "{\"content\":\" there\"}")) {
                assertTrue(frames.stream().anyMatch(f -> f.contains("\"delta\":" + delta)), frames.toString());
            }
        }
        FakeUpstream.Received sent = upstream.nextRequest();
        assertTrue(sent.body().contains("\"model\":\"gpt-test\""), sent.body());
        assertEquals("/v1/chat/completions", sent.path());
    }

    @Test
    void aNonStreamingClientThatHangsUpCancelsTheUpstreamCallWithinASecondOrTwo() throws Exception {
        upstream.reply(Reply.sse(java.util.stream.IntStream.range(0, 400).mapToObj(i -> Reply.content("t" + i))
                .toArray(String[]::new)).withDelayMs(25).heldOpen());
        try {
            try (RawHttp http = new RawHttp(port())) {
                http.post(contextPath() + "/v1/chat/completions", userMessage("openclaw:upstream", "slow"), AUTH);
                assertTrue(upstream.nextRequest() != null, "the upstream never got the request");
            }
            assertTrue(upstream.awaitClientClose(3, java.util.concurrent.TimeUnit.SECONDS) > 0,
                    "the upstream call was not cancelled after the non-streaming client hung up");
        } finally {
            upstream.reply(Reply.sse(Reply.content("hello"), Reply.finish("stop")));
        }
    }

    @Test
    void aKeepAliveClientWhoseAnswerTakesSecondsGetsItAndItsNextRequestOnTheSameConnection() throws Exception {
        upstream.reply(Reply.sse(java.util.stream.Stream.concat(java.util.stream.IntStream.range(0, 60)
                .mapToObj(i -> Reply.content("t")), java.util.stream.Stream.of(Reply.finish("stop")))
                .toArray(String[]::new)).withDelayMs(25));
        try (RawHttp http = new RawHttp(port())) {
            for (int i = 0; i < 2; i++) { // the connection is probed while each answer is prepared
                http.post(contextPath() + "/v1/chat/completions", userMessage("openclaw:upstream", "wait"), AUTH);
                String head = http.readHead();
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                assertTrue(http.readFixedBody(head).contains("t".repeat(60)), "answer " + i);
            }
        } finally {
            upstream.reply(Reply.sse(Reply.content("hello"), Reply.finish("stop")));
        }
    }

    @Test
    void anUpstream500IsA502AndCountsAsAnUpstreamError() {
        upstream.reply(Reply.error(500, "{\"error\":{\"message\":\"internal detail\"}}"));
        String series = "clawgate_upstream_errors_total{agent=\"upstream\",kind=\"status_5xx\"} ";
        double before = value(scrape(), series);
        api().body(userMessage("openclaw:upstream", "hi")).post("/v1/chat/completions").then().statusCode(502)
                .body("error.code", equalTo("upstream_error"));
        assertEquals(before + 1, value(scrape(), series));
        upstream.pollRequestBodies();
    }

    @Test
    void aUserSessionRemembersTheConversation() {
        String user = "alice-" + System.nanoTime();
        api().body("{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).body("usage.prompt_tokens", equalTo(2));
        api().body("{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"c\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).body("usage.prompt_tokens", equalTo(6));
    }

    @Test
    void badJsonIs400AsAnOpenAiError() {
        api().body("{\"messages\":").post("/v1/chat/completions").then().statusCode(400)
                .contentType(startsWith("application/json"))
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void unknownPathsAreJson404AndWrongMethodsJson405() {
        given().baseUri(baseUrl()).get("/v1/completions").then().statusCode(404)
                .contentType(startsWith("application/json")).body("error.code", equalTo("not_found"));
        given().baseUri(baseUrl()).get("/v1/chat/completions").then().statusCode(405)
                .header("Allow", "POST").body("error.code", equalTo("method_not_allowed"));
    }

    @Test
    void anOddMethodOrADotSegmentPathGetsTheGatewaysJson405NotTheContainersPage() throws Exception {
        String[][] cases = {
                {"OST", "/v1/chat/completions", "POST"},
                {"S", "/v1/chat/completions", "POST"},
                {"GE", "/v1/models", "GET, HEAD"},
                {"GET", "/v1/models/../chat/completions", "POST"}};
        for (String[] c : cases) {
            try (RawHttp http = new RawHttp(port())) {
                http.request(c[0], contextPath() + c[1], AUTH);
                String head = http.readHead();
                String lower = head.toLowerCase(Locale.ROOT);
                String what = c[0] + " " + c[1] + ": " + head;
                assertTrue(lower.startsWith("http/1.1 405"), what);
                assertTrue(lower.contains("\ncontent-type: application/json"), what);
                assertTrue(lower.contains("\nallow: " + c[2].toLowerCase(Locale.ROOT) + "\n"), what);
                assertTrue(http.readFixedBody(head).contains("\"code\":\"method_not_allowed\""), what);
            }
        }
    }

    @Test
    void aBodyOverTheContainerConfiguredLimitIs413() {
        // src/it sets gateway.http.maxBodyBytes=65536
        api().body(userMessage("openclaw", "x".repeat(70_000))).post("/v1/chat/completions").then()
                .statusCode(413).contentType(startsWith("application/json"))
                .body("error.type", equalTo("invalid_request_error"));
    }

    /**
     * 64 clients (twice the IT Tomcat's 32 request threads, see pom.xml) each send the head of a request the gateway
     * answers without reading its body (401, 413, 404, 405, a GET's 200; {@link HeldUploads}) and never send the
     * body. Each is answered with {@code Connection: close}; while all 64 stay open an authorised request is still
     * served, and the server has closed every one of them instead of waiting on a request thread for the body.
     */
    @Test
    void answersGivenWithoutReadingTheBodyCloseTheConnectionSoUnsentBodiesHoldNoRequestThread() throws Exception {
        try (HeldUploads held = HeldUploads.open(port(), contextPath(), 64, AUTH)) {
            held.assertEachAnswered();
            api().body(userMessage("openclaw", "still serving")).post("/v1/chat/completions").then()
                    .statusCode(200).body("choices[0].message.content", equalTo("echo: still serving"));
            held.assertEachClosedByServer();
        }
    }

    @Test
    void aRefusedRequestWithoutABodyKeepsItsConnectionForTheNextRequest() throws Exception {
        try (RawHttp http = new RawHttp(port())) {
            http.get(contextPath() + "/v1/models", "Authorization: Bearer wrong");
            String head = http.readHead();
            assertTrue(head.startsWith("HTTP/1.1 401"), head);
            assertFalse(head.toLowerCase(Locale.ROOT).contains("\nconnection: close"), head);
            http.readFixedBody(head);
            http.get(contextPath() + "/v1/models", AUTH);
            assertTrue(http.readHead().startsWith("HTTP/1.1 200"), "the same connection serves the next request");
        }
    }

    @Test
    void modelsListsEveryAgentAndOneModelByPath() {
        api().get("/v1/models").then().statusCode(200).body("object", equalTo("list"))
                .body("data.id", hasItems("openclaw", "openclaw/default", "openclaw/main", "openclaw:helper"));
        api().get("/v1/models/openclaw/helper").then().statusCode(200).body("id", equalTo("openclaw/helper"));
        api().get("/v1/models/openclaw:nobody").then().statusCode(404);
    }

    /**
     * Stock Tomcat (connector {@code encodedSolidusHandling=reject}) and Jetty 12 (ambiguous path separator) both
     * refuse {@code %2F} in a path with their own HTML 400 before the WAR sees it; clients must send
     * {@code /v1/models/openclaw/main} or {@code openclaw:main}. Documented in deploy/README.md.
     */
    @Test
    void anEncodedSlashInAModelIdIsRejectedByTheContainerItselfWith400() throws Exception {
        try (RawHttp http = new RawHttp(port())) {
            http.get(contextPath() + "/v1/models/openclaw%2Fmain", AUTH);
            String head = http.readHead().toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 400"), head);
            assertTrue(head.contains("\ncontent-type: text/html"), "the container's own page, not JSON: " + head);
        }
    }

    @Test
    void aMissingOrWrongTokenIs401WithWwwAuthenticateAndTheRightOneFromTheEnvironmentPasses() {
        given().baseUri(baseUrl()).contentType("application/json").body(userMessage("openclaw", "hi"))
                .post("/v1/chat/completions").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .body("error.code", equalTo("invalid_api_key"));
        given().baseUri(baseUrl()).contentType("application/json").header("Authorization", "Bearer wrong")
                .body(userMessage("openclaw", "hi")).post("/v1/chat/completions").then().statusCode(401);
        given().baseUri(baseUrl()).get("/v1/models").then().statusCode(401);
        given().baseUri(baseUrl()).get("/metrics").then().statusCode(401);
        api().body(userMessage("openclaw", "hi")).post("/v1/chat/completions").then().statusCode(200);
    }

    @Test
    void anXForwardedForFromAPeerThatIsNoTrustedProxyIsIgnored() {
        // no gateway.trustedProxies here: the client stays 127.0.0.1, exempt from the lockout, whatever it claims
        for (int i = 0; i < 12; i++) {
            given().baseUri(baseUrl()).contentType("application/json").header("Authorization", "Bearer wrong")
                    .header("X-Forwarded-For", "10.9.9.8").body(userMessage("openclaw", "hi"))
                    .post("/v1/chat/completions").then().statusCode(401);
        }
        api().header("X-Forwarded-For", "10.9.9.8").body(userMessage("openclaw", "hi")).post("/v1/chat/completions")
                .then().statusCode(200);
    }

    @Test
    void healthAndReadinessNeedNoAuth() {
        given().baseUri(baseUrl()).get("/healthz").then().statusCode(200).body("status", equalTo("ok"))
                .body("version", equalTo(System.getProperty("it.version"))); // the deployed WAR names its build
        given().baseUri(baseUrl()).get("/readyz").then().statusCode(200).body("status", equalTo("ready"));
    }

    @Test
    void metricsCountTheRequestsServedInThisContainer() {
        String before = scrape();
        api().body(userMessage("openclaw:helper", "count me")).post("/v1/chat/completions").then().statusCode(200);
        String after = scrape();
        String series = "clawgate_requests_total{agent=\"helper\",key=\"operator\",outcome=\"ok\",status=\"200\",stream=\"false\"} ";
        assertEquals(value(before, series) + 1, value(after, series), after);
    }

    @Test
    void theOpenAiSdkGetsStreamsContinuesAndRetrievesResponsesFromTheEchoAgent() {
        OpenAIClient client = sdk();
        try {
            Response first = client.responses().create(ResponseCreateParams.builder().model("openclaw:main")
                    .input("a b").build()).validate();
            assertEquals("echo: a b", OpenAiJavaResponsesTest.text(first));
            ResponseAccumulator streamed = ResponseAccumulator.create();
            try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                    ResponseCreateParams.builder().model("openclaw:main").input("c").previousResponseId(first.id())
                            .build())) {
                stream.stream().forEach(event -> streamed.accumulate(event.validate()));
            }
            Response second = streamed.response();
            assertEquals("echo: c", OpenAiJavaResponsesTest.text(second));
            assertEquals(6, second.usage().orElseThrow().inputTokens(), "the conversation was continued");
            assertEquals(second.id(), client.responses().retrieve(second.id()).validate().id());
        } finally {
            client.close();
        }
    }

    private OpenAIClient sdk() {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(TOKEN).maxRetries(0).build();
    }

    @Test
    void theOpenAiSdkRoundTripsAFunctionToolThroughAnUpstreamAgent() throws Exception {
        upstream.reply(ResponsesTest.TOOL);
        OpenAIClient client = sdk();
        try {
            Response first = client.responses().create(ResponseCreateParams.builder().model("openclaw:upstream")
                    .input("weather?").addTool(OpenAiJavaResponsesTest.weatherTool()).build()).validate();
            ResponseFunctionToolCall call = first.output().get(0).functionCall().orElseThrow();
            assertEquals("{\"city\":\"Paris\"}", call.arguments());
            upstream.nextRequest();
            upstream.reply(Reply.sse(Reply.role(), Reply.content("Sunny"), Reply.finish("stop")));
            Response second = client.responses().create(ResponseCreateParams.builder().model("openclaw:upstream")
                    .previousResponseId(first.id()).inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(
                            ResponseInputItem.FunctionCallOutput.builder().callId(call.callId()).output("18C")
                                    .build()))).build()).validate();
            assertEquals("Sunny", OpenAiJavaResponsesTest.text(second));
            assertTrue(upstream.nextRequest().body().contains("{\"role\":\"tool\",\"content\":\"18C\","
                    + "\"tool_call_id\":\"call_w\"}"));
        } finally {
            client.close();
        }
    }

    @Test
    void aStreamedResponseHasEventLinesAndEndsWithItsTerminalEvent() throws Exception {
        try (RawHttp http = new RawHttp(port())) {
            http.post(contextPath() + "/v1/responses", "{\"stream\":true,\"input\":\"hello world\"}", AUTH);
            assertSseHead(http.readHead());
            List<String> events = ResponsesTest.events(http.readChunkedBody());
            assertTrue(events.get(0).startsWith("event: response.created\ndata: {\"type\":\"response.created\","
                    + "\"sequence_number\":0,"), events.get(0));
            assertTrue(events.get(events.size() - 1).startsWith("event: response.completed\n"), events.toString());
            assertEquals(11, events.size(), events.toString());
        }
    }

    private String scrape() {
        return api().get("/metrics").then().statusCode(200).contentType(startsWith("text/plain"))
                .extract().asString();
    }

    private static double value(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series)) {
                return Double.parseDouble(line.substring(series.length()).trim());
            }
        }
        return 0;
    }
}
