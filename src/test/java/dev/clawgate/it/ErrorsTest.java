package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gets a clear OpenAI-style JSON error naming the field, never a stack trace or a 500. */
class ErrorsTest {
    static GatewayServer server;
    static final String USER = "[{\"role\":\"user\",\"content\":\"hi\"}]";

    @BeforeAll
    static void start() throws Exception {
        server = GatewayServer.start("gateway.http.maxBodyBytes", "4096");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("{not json", null),
                Arguments.of("", null),
                Arguments.of("[1,2]", null),
                Arguments.of("\"text\"", null),
                Arguments.of("{}", "messages"),
                Arguments.of("{\"messages\":null}", "messages"),
                Arguments.of("{\"messages\":[]}", "messages"),
                Arguments.of("{\"messages\":{\"role\":\"user\"}}", "messages"),
                Arguments.of("{\"messages\":[\"hi\"]}", "messages"),
                Arguments.of("{\"messages\":[{\"content\":\"hi\"}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"user\",\"content\":42}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"user\",\"content\":{\"text\":\"hi\"}}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"user\",\"content\":null}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"system\",\"content\":\"only system\"}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"assistant\",\"content\":\"only me\"}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{}}]}]}", "messages"),
                Arguments.of("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}", "messages"),
                Arguments.of("{\"n\":9,\"messages\":" + USER + "}", "n"),
                Arguments.of("{\"n\":1.5,\"messages\":" + USER + "}", "n"),
                Arguments.of("{\"n\":0,\"messages\":" + USER + "}", "n"),
                Arguments.of("{\"stream\":\"yes\",\"messages\":" + USER + "}", "stream"),
                Arguments.of("{\"stream\":1,\"messages\":" + USER + "}", "stream"),
                Arguments.of("{\"temperature\":2.5,\"messages\":" + USER + "}", "temperature"),
                Arguments.of("{\"temperature\":-0.1,\"messages\":" + USER + "}", "temperature"),
                Arguments.of("{\"temperature\":\"hot\",\"messages\":" + USER + "}", "temperature"),
                Arguments.of("{\"top_p\":1.5,\"messages\":" + USER + "}", "top_p"),
                Arguments.of("{\"presence_penalty\":-3,\"messages\":" + USER + "}", "presence_penalty"),
                Arguments.of("{\"frequency_penalty\":2.01,\"messages\":" + USER + "}", "frequency_penalty"),
                Arguments.of("{\"max_tokens\":0,\"messages\":" + USER + "}", "max_tokens"),
                Arguments.of("{\"max_tokens\":1.5,\"messages\":" + USER + "}", "max_tokens"),
                Arguments.of("{\"max_completion_tokens\":-1,\"messages\":" + USER + "}", "max_completion_tokens"),
                Arguments.of("{\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"messages\":" + USER + "}", "stop"),
                Arguments.of("{\"stop\":7,\"messages\":" + USER + "}", "stop"),
                Arguments.of("{\"seed\":1.5,\"messages\":" + USER + "}", "seed"),
                Arguments.of("{\"response_format\":{\"type\":\"yaml\"},\"messages\":" + USER + "}", "response_format"),
                Arguments.of("{\"tools\":[{\"type\":\"retrieval\"}],\"messages\":" + USER + "}", "tools"),
                Arguments.of("{\"tool_choice\":\"always\",\"messages\":" + USER + "}", "tool_choice"),
                Arguments.of("{\"model\":42,\"messages\":" + USER + "}", "model"),
                Arguments.of("{\"user\":42,\"messages\":" + USER + "}", "user"),
                Arguments.of("{\"stream_options\":\"usage\",\"messages\":" + USER + "}", "stream_options"));
    }

    @ParameterizedTest(name = "{0} -> param {1}")
    @MethodSource("badBodies")
    void badBodiesGet400NamingTheField(String body, String param) {
        var then = given().baseUri(server.baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                .body(body).post("/v1/chat/completions").then()
                .statusCode(400)
                .contentType(startsWith("application/json"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", not(containsString("Exception")))
                .body("error.message", not(containsString("\tat ")));
        if (param == null) {
            then.body("error.param", nullValue());
        } else {
            then.body("error.param", equalTo(param));
        }
    }

    @Test
    void nullModelAndNullUserAndNullOptionsAreAccepted() {
        given().baseUri(server.baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                .body("{\"model\":null,\"user\":null,\"n\":1,\"stream\":null,\"stream_options\":null,\"stop\":null,"
                        + "\"temperature\":null,\"messages\":" + USER + "}")
                .post("/v1/chat/completions").then().statusCode(200);
    }

    @Test
    void aBodyOverTheLimitIs413WhetherDeclaredOrChunked() {
        String big = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}";
        given().baseUri(server.baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + GatewayServer.TOKEN).body(big)
                .post("/v1/chat/completions").then().statusCode(413)
                .body("error.type", equalTo("invalid_request_error"));
        given().baseUri(server.baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                .body(new java.io.ByteArrayInputStream(big.getBytes()))
                .post("/v1/chat/completions").then().statusCode(413);
    }

    @Test
    void unknownPathsAreJson404() {
        given().baseUri(server.baseUrl()).get("/v1/completions").then().statusCode(404)
                .contentType(startsWith("application/json")).body("error.type", equalTo("invalid_request_error"));
        given().baseUri(server.baseUrl()).get("/").then().statusCode(404).body("error.code", equalTo("not_found"));
    }

    @Test
    void wrongMethodIs405WithAllow() {
        given().baseUri(server.baseUrl()).get("/v1/chat/completions").then().statusCode(405)
                .header("Allow", "POST").contentType(startsWith("application/json"))
                .body("error.code", equalTo("method_not_allowed"));
        given().baseUri(server.baseUrl()).delete("/v1/models").then().statusCode(405)
                .header("Allow", "GET, HEAD");
    }

    @Test
    void healthzNeedsNothingAndSaysOk() {
        given().baseUri(server.baseUrl()).get("/healthz").then().statusCode(200)
                .contentType(startsWith("application/json")).body("status", equalTo("ok"));
        given().baseUri(server.baseUrl()).get("/readyz").then().statusCode(200);
    }

    @Test
    void aDisabledEndpointIs404BeforeAnythingElse() throws Exception {
        try (GatewayServer off = GatewayServer.start("gateway.http.endpoints.chatCompletions.enabled", "false")) {
            given().baseUri(off.baseUrl()).contentType("application/json").body("{}")
                    .post("/v1/chat/completions").then().statusCode(404)
                    .contentType(startsWith("application/json")).body("error.code", equalTo("not_found"));
            given().baseUri(off.baseUrl()).get("/v1/chat/completions").then().statusCode(404);
            given().baseUri(off.baseUrl()).get("/v1/models").then().statusCode(404);
            given().baseUri(off.baseUrl()).get("/healthz").then().statusCode(200);
        }
    }
}
