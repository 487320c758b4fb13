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
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aBodyOverTheContainerConfiguredLimitIs413() {
        // src/it sets gateway.http.maxBodyBytes=65536
        api().body(userMessage("openclaw", "x".repeat(70_000))).post("/v1/chat/completions").then()
                .statusCode(413).contentType(startsWith("application/json"))
                .body("error.type", equalTo("invalid_request_error"));
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
        String series = "clawgate_requests_total{agent=\"helper\",outcome=\"ok\",status=\"200\",stream=\"false\"} ";
        assertEquals(value(before, series) + 1, value(after, series), after);
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
