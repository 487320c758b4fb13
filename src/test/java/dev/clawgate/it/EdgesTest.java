package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The edges of routing, over HTTP with raw requests: a method is matched exactly, the route is the path the container
 * maps (dot segments resolved), every answer under {@code /v1/} is JSON (the container's error page never shows),
 * and the gateway's own refusals carry the CORS headers for a listed origin.
 */
class EdgesTest {
    static final String ORIGIN = "https://chat.example.com";
    static final String AUTH = "Authorization: Bearer " + GatewayServer.TOKEN;
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        server = GatewayServer.start("gateway.http.cors.allowedOrigins", ORIGIN);
        // servlets that fail the way an unforeseen bug would, on a path the gateway routes (MODEL) and guards
        server.context().getServletHandler().addServletWithMapping(new ServletHolder(new Throwing()),
                "/v1/models/throws");
        server.context().getServletHandler().addServletWithMapping(new ServletHolder(new SendsError()),
                "/v1/models/sends-error");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static final class Throwing extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            throw new IllegalStateException("secret internal detail");
        }
    }

    static final class SendsError extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.sendError(503, "secret internal detail");
        }
    }

    /** Sends a raw request and returns head and body, the head's header names lower-cased. */
    static String[] exchange(String method, String path, String... headers) throws IOException {
        try (RawHttp http = new RawHttp(server.port())) {
            http.request(method, path, headers);
            String head = http.readHead();
            String body = http.readFixedBody(head);
            return new String[] {head.toLowerCase(Locale.ROOT), body};
        }
    }

    @ParameterizedTest(name = "{0} {1} -> 405, Allow: {2}")
    @CsvSource({
            "OST, /v1/chat/completions, POST",
            "POS, /v1/chat/completions, POST",
            "S, /v1/chat/completions, POST",
            "POSTS, /v1/chat/completions, POST",
            "GE, /v1/models, 'GET, HEAD'",
            "T, /v1/models/openclaw, 'GET, HEAD'",
            "', ', /v1/models, 'GET, HEAD'",
            "EAD, /healthz, 'GET, HEAD'"})
    void aMethodThatIsOnlyPartOfAnAllowedOneIsAJson405WithAllow(String method, String path, String allow)
            throws Exception {
        String[] r = exchange(method, path, AUTH);
        assertTrue(r[0].startsWith("http/1.1 405"), r[0]);
        assertTrue(r[0].contains("\nallow: " + allow.toLowerCase(Locale.ROOT) + "\n"), r[0]);
        assertTrue(r[0].contains("\ncontent-type: application/json"), r[0]);
        assertTrue(r[1].contains("\"code\":\"method_not_allowed\""), r[1]);
    }

    @Test
    void aPathWithDotSegmentsIsRoutedToWhereTheContainerMapsIt() throws Exception {
        String[] r = exchange("GET", "/v1/models/../chat/completions", AUTH);
        assertTrue(r[0].startsWith("http/1.1 405"), r[0]);
        assertTrue(r[0].contains("\nallow: post\n"), r[0]);
        assertTrue(r[1].contains("\"code\":\"method_not_allowed\""), r[1]);

        r = exchange("GET", "/v1/chat/./../models", AUTH);
        assertTrue(r[0].startsWith("http/1.1 200"), r[0]);
        assertTrue(r[1].contains("\"object\":\"list\""), r[1]);

        r = exchange("GET", "/v1/models/../nothing", AUTH);
        assertTrue(r[0].startsWith("http/1.1 404"), r[0]);
        assertTrue(r[1].contains("\"code\":\"not_found\""), r[1]);
    }

    @Test
    void anUnexpectedExceptionIsAJson500WithoutItsMessage() throws Exception {
        String[] r = exchange("GET", "/v1/models/throws", AUTH, "Origin: " + ORIGIN);
        assertTrue(r[0].startsWith("http/1.1 500"), r[0]);
        assertTrue(r[0].contains("\ncontent-type: application/json"), r[0]);
        assertTrue(r[1].contains("\"type\":\"server_error\""), r[1]);
        assertFalse(r[1].contains("secret") || r[1].contains("Exception") || r[1].contains("\tat "), r[1]);
        assertTrue(r[0].contains("\naccess-control-allow-origin: " + ORIGIN + "\n"), r[0]);
    }

    @Test
    void anErrorTheContainerSendsIsRenderedAsJsonByTheErrorPage() throws Exception {
        String[] r = exchange("GET", "/v1/models/sends-error", AUTH);
        assertTrue(r[0].startsWith("http/1.1 503"), r[0]);
        assertTrue(r[0].contains("\ncontent-type: application/json"), r[0]);
        assertTrue(r[1].contains("\"code\":\"service_unavailable\""), r[1]);
        assertFalse(r[1].contains("secret"), r[1]);
        given().baseUri(server.baseUrl()).get("/clawgate-error").then().statusCode(404)
                .contentType(startsWith("application/json")).body("error.code", equalTo("not_found"));
    }

    @Test
    void theGatewaysOwnRefusalsCarryCorsHeadersForAListedOrigin() {
        given().baseUri(server.baseUrl()).header("Origin", ORIGIN).get("/v1/nothing").then().statusCode(404)
                .header("Access-Control-Allow-Origin", ORIGIN).header("Vary", containsString("Origin"))
                .header("Access-Control-Expose-Headers", containsString("x-request-id"));
        given().baseUri(server.baseUrl()).header("Origin", ORIGIN).delete("/v1/chat/completions").then()
                .statusCode(405).header("Access-Control-Allow-Origin", ORIGIN).header("Allow", "POST");
        given().baseUri(server.baseUrl()).header("Origin", ORIGIN).get("/v1/models").then()
                .statusCode(401).header("Access-Control-Allow-Origin", ORIGIN);
        given().baseUri(server.baseUrl()).header("Origin", "https://evil.example.com").get("/v1/nothing").then()
                .statusCode(404).header("Access-Control-Allow-Origin", (String) null);
    }

    @Test
    void aRateLimitRefusalCarriesCorsHeadersForAListedOrigin() throws Exception {
        try (GatewayServer limited = GatewayServer.start("gateway.http.cors.allowedOrigins", ORIGIN,
                "gateway.http.rateLimit.requestsPerMinute", "1", "gateway.http.rateLimit.burst", "1")) {
            limited.api().header("Origin", ORIGIN).get("/v1/models").then().statusCode(200);
            var r = limited.api().header("Origin", ORIGIN).get("/v1/models");
            assertEquals(429, r.statusCode(), "the second request in the minute is refused");
            assertEquals(ORIGIN, r.header("Access-Control-Allow-Origin"));
            assertTrue(r.header("Access-Control-Expose-Headers").contains("retry-after"));
        }
    }
}
