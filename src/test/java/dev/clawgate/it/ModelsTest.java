package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}} (SPEC §1) in embedded Jetty, against the real web.xml. */
class ModelsTest {
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        server = GatewayServer.start("agents.main.model", "echo/echo", "agents.coder.model", "echo/echo");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static RequestSpecification api() {
        return given().baseUri(server.baseUrl()).urlEncodingEnabled(false)
                .header("Authorization", "Bearer " + GatewayServer.TOKEN);
    }

    @Test
    void listHasOpenAiShapeAndEveryIdOfEveryAgent() {
        List<String> ids = api().get("/v1/models").then()
                .statusCode(200)
                .contentType(startsWith("application/json"))
                .body("object", equalTo("list"))
                .body("data.object", everyItem(equalTo("model")))
                .body("data.owned_by", everyItem(equalTo("openclaw")))
                .body("data.created", everyItem(greaterThan(1_700_000_000)))
                .extract().path("data.id");
        assertEquals(List.of("openclaw", "openclaw/default"), ids.subList(0, 2));
        assertEquals(6, ids.size(), ids.toString());
        assertTrue(ids.containsAll(List.of("openclaw/main", "openclaw:main", "openclaw/coder", "openclaw:coder")),
                ids.toString());
    }

    @Test
    void oneModelByColonId() {
        api().get("/v1/models/openclaw:main").then()
                .statusCode(200)
                .body("id", equalTo("openclaw:main"))
                .body("object", equalTo("model"))
                .body("owned_by", equalTo("openclaw"))
                .body("created", greaterThan(1_700_000_000));
    }

    @Test
    void oneModelByRawSlashPath() {
        api().get("/v1/models/openclaw/coder").then().statusCode(200).body("id", equalTo("openclaw/coder"));
        api().get("/v1/models/openclaw").then().statusCode(200).body("id", equalTo("openclaw"));
        api().get("/v1/models/openclaw/default").then().statusCode(200).body("id", equalTo("openclaw/default"));
    }

    @Test
    void oneModelByPercentEncodedSlashWhereTheContainerLetsItThrough() throws Exception {
        try (GatewayServer permissive = GatewayServer.startAllowingEncodedSlash(
                "agents.main.model", "echo/echo", "agents.coder.model", "echo/echo")) {
            for (String id : new String[] {"openclaw%2Fmain", "openclaw%2fcoder", "openclaw%3Amain"}) {
                given().baseUri(permissive.baseUrl()).urlEncodingEnabled(false)
                        .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                        .get("/v1/models/" + id).then().statusCode(200)
                        .body("id", equalTo(java.net.URLDecoder.decode(id, java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void stockJettyRefusesAPercentEncodedSlashBeforeTheGatewaySeesIt() {
        // the documented limitation: Jetty 12's default URI compliance rejects %2F in a path with its own 400
        api().get("/v1/models/openclaw%2Fmain").then().statusCode(400);
    }

    @Test
    void unknownModelIs404ModelNotFound() {
        for (String id : new String[] {"openclaw:nobody", "openclaw/nobody", "gpt-4o"}) {
            api().get("/v1/models/" + id).then()
                    .statusCode(404)
                    .contentType(startsWith("application/json"))
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("model_not_found"))
                    .body("error.param", equalTo("model"));
        }
    }

    @Test
    void emptyIdIs404AndAnotherMethodIs405() {
        api().get("/v1/models/").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        api().post("/v1/models").then().statusCode(405).header("Allow", startsWith("GET"));
    }

    @Test
    void modelsAreServedOnlyWhenChatCompletionsIsOn() throws Exception {
        try (GatewayServer off = GatewayServer.start("gateway.http.endpoints.chatCompletions.enabled", "false")) {
            given().baseUri(off.baseUrl()).header("Authorization", "Bearer " + GatewayServer.TOKEN)
                    .get("/v1/models").then().statusCode(404).body("error.code", equalTo("not_found"));
        }
    }
}
