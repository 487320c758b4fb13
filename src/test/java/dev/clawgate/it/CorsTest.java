package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CORS (SPEC §9) over HTTP: preflights, actual responses, and an origin that is not listed. */
class CorsTest {
    static final String ORIGIN = "https://chat.example.com";
    static final String EXPOSED = "x-request-id, retry-after, x-ratelimit-limit-requests, "
            + "x-ratelimit-remaining-requests, x-ratelimit-reset-requests, x-openclaw-upstream-model";
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        server = GatewayServer.start("gateway.http.cors.allowedOrigins", ORIGIN + ", http://localhost:3000",
                "gateway.http.rateLimit.requestsPerMinute", "600");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static RequestSpecification preflight(String origin, String requestHeaders) {
        RequestSpecification r = given().baseUri(server.baseUrl()).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST");
        return requestHeaders == null ? r : r.header("Access-Control-Request-Headers", requestHeaders);
    }

    @Test
    void aPreflightFromAListedOriginIs204WithoutAuth() {
        preflight(ORIGIN, "Authorization, Content-Type, X-OpenClaw-Agent-Id, x-openclaw-session-key, "
                + "x-stainless-os, x-stainless-retry-count, x-evil")
                .options("/v1/chat/completions").then().statusCode(204)
                .header("Access-Control-Allow-Origin", ORIGIN)
                .header("Access-Control-Allow-Methods", "POST")
                .header("Access-Control-Allow-Headers", "authorization, content-type, x-openclaw-agent-id, "
                        + "x-openclaw-session-key, x-stainless-os, x-stainless-retry-count")
                .header("Access-Control-Max-Age", "600")
                .header("Vary", containsString("Origin"))
                .header("WWW-Authenticate", nullValue())
                .body(emptyOrNullString());
        preflight("http://localhost:3000", null).options("/v1/models").then().statusCode(204)
                .header("Access-Control-Allow-Origin", "http://localhost:3000")
                .header("Access-Control-Allow-Methods", "GET, HEAD")
                .header("x-ratelimit-limit-requests", nullValue());
    }

    @Test
    void aPreflightFromAnyOtherOriginIs403WithoutCorsHeaders() {
        preflight("https://evil.example.com", "authorization").options("/v1/chat/completions").then()
                .statusCode(403)
                .contentType(startsWith("application/json"))
                .body("error.code", equalTo("origin_not_allowed"))
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Methods", nullValue())
                .header("Access-Control-Allow-Headers", nullValue())
                .header("Access-Control-Expose-Headers", nullValue());
    }

    @Test
    void actualResponsesToAListedOriginCarryAllowOriginVaryAndExposedHeaders() {
        given().baseUri(server.baseUrl()).header("Origin", ORIGIN).contentType("application/json")
                .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("Access-Control-Allow-Origin", ORIGIN)
                .header("Vary", containsString("Origin"))
                .header("Access-Control-Expose-Headers", EXPOSED);
    }

    @Test
    void errorsToAListedOriginAreReadableByTheBrowser() {
        given().baseUri(server.baseUrl()).header("Origin", ORIGIN).get("/v1/models").then().statusCode(401)
                .header("Access-Control-Allow-Origin", ORIGIN)
                .header("Access-Control-Expose-Headers", EXPOSED);
    }

    @Test
    void actualResponsesToAnUnlistedOriginCarryNoCorsHeaders() {
        given().baseUri(server.baseUrl()).header("Origin", "https://evil.example.com")
                .header("Authorization", "Bearer " + GatewayServer.TOKEN).get("/v1/models").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Expose-Headers", nullValue());
    }

    @Test
    void anOptionsRequestThatIsNotAPreflightStillNeedsTheToken() {
        given().baseUri(server.baseUrl()).options("/v1/chat/completions").then().statusCode(401);
    }

    @Test
    void withCorsOffOptionsIs405AndNoCorsHeaderIsSent() throws Exception {
        try (GatewayServer off = GatewayServer.start()) {
            given().baseUri(off.baseUrl()).header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
                    .options("/v1/chat/completions").then().statusCode(405)
                    .header("Access-Control-Allow-Origin", nullValue());
            given().baseUri(off.baseUrl()).header("Origin", ORIGIN)
                    .header("Authorization", "Bearer " + GatewayServer.TOKEN).get("/v1/models").then()
                    .statusCode(200).header("Access-Control-Allow-Origin", nullValue());
        }
    }
}
