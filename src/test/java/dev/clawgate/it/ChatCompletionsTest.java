package dev.clawgate.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoint's non-streaming replies, routing and sessions, over HTTP against the real web.xml. */
class ChatCompletionsTest {
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        server = GatewayServer.start(
                "agents.main.model", "echo/echo",
                "agents.coder.model", "echo/echo",
                "agents.coder.systemPrompt", "You write code.");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static RequestSpecification api() {
        return given().baseUri(server.baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + GatewayServer.TOKEN);
    }

    static String userMessage(String model, String text) {
        return "{\"model\":" + (model == null ? "null" : "\"" + model + "\"")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    @Test
    void nonStreamingReplyHasOpenAiShape() {
        api().body(userMessage("openclaw", "hello world")).post("/v1/chat/completions").then()
                .statusCode(200)
                .contentType(startsWith("application/json"))
                .header("x-request-id", notNullValue())
                .body("id", matchesPattern("chatcmpl-[A-Za-z0-9]{24}"))
                .body("object", equalTo("chat.completion"))
                .body("created", greaterThan(1_700_000_000))
                .body("model", equalTo("openclaw"))
                .body("choices.size()", equalTo(1))
                .body("choices[0].index", equalTo(0))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].message.content", equalTo("echo: hello world"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.prompt_tokens", equalTo(2))
                .body("usage.completion_tokens", equalTo(3))
                .body("usage.total_tokens", equalTo(5));
    }

    @Test
    void absentOrNullModelGoesToTheDefaultAgentAndEchoesOpenclaw() {
        api().body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions").then()
                .statusCode(200).body("model", equalTo("openclaw"));
        api().body(userMessage(null, "hi")).post("/v1/chat/completions").then()
                .statusCode(200).body("model", equalTo("openclaw"));
    }

    @Test
    void everyModelFormRoutesToItsAgentAndIsEchoedAsSent() {
        for (String model : new String[] {"openclaw:coder", "openclaw/coder", "agent:coder", "OpenClaw:CODER"}) {
            // the coder agent's system prompt adds 3 words to the prompt: that tells which agent ran
            api().body(userMessage(model, "hi")).post("/v1/chat/completions").then()
                    .statusCode(200).body("model", equalTo(model)).body("usage.prompt_tokens", equalTo(4));
        }
        api().body(userMessage("openclaw/default", "hi")).post("/v1/chat/completions").then()
                .statusCode(200).body("model", equalTo("openclaw/default")).body("usage.prompt_tokens", equalTo(1));
    }

    @Test
    void agentHeaderWinsOverModel() {
        api().header("x-openclaw-agent-id", "coder").body(userMessage("openclaw:main", "hi"))
                .post("/v1/chat/completions").then()
                .statusCode(200).body("model", equalTo("openclaw:main")).body("usage.prompt_tokens", equalTo(4));
    }

    @Test
    void unknownAgentIs404ModelNotFound() {
        api().body(userMessage("openclaw:nobody", "hi")).post("/v1/chat/completions").then()
                .statusCode(404).body("error.code", equalTo("model_not_found"))
                .body("error.type", equalTo("invalid_request_error")).body("error.param", equalTo("model"));
        api().header("x-openclaw-agent-id", "nobody").body(userMessage(null, "hi")).post("/v1/chat/completions")
                .then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }

    @Test
    void aProviderModelNameIsRejectedOnModel() {
        api().body(userMessage("gpt-4o", "hi")).post("/v1/chat/completions").then()
                .statusCode(400).body("error.param", equalTo("model"))
                .body("error.type", equalTo("invalid_request_error"));
        api().body(userMessage("openclaw:Bad Id!", "hi")).post("/v1/chat/completions").then()
                .statusCode(400).body("error.param", equalTo("model"));
    }

    @Test
    void malformedAgentHeaderIs400() {
        api().header("x-openclaw-agent-id", "not valid!").body(userMessage(null, "hi"))
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void reservedSessionKeyPrefixesAre400WhateverTheirCase() {
        for (String key : new String[] {"subagent:x", "CRON:nightly", "acp:1"}) {
            api().header("x-openclaw-session-key", key).body(userMessage(null, "hi"))
                    .post("/v1/chat/completions").then().statusCode(400)
                    .body("error.message", startsWith("`x-openclaw-session-key` cannot use reserved"));
        }
    }

    @Test
    void aUserSessionRemembersTheConversation() {
        String user = "alice-" + System.nanoTime();
        api().body("{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).body("usage.prompt_tokens", equalTo(2));
        // only the new message: the remembered "a b" + "echo: a b" + "c" reach the model
        api().body("{\"user\":\"" + user.toUpperCase() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"c\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).body("usage.prompt_tokens", equalTo(6));
    }

    @Test
    void aClientResendingTheWholeHistoryDoesNotGetItTwice() {
        String key = "thread-" + System.nanoTime();
        api().header("x-openclaw-session-key", key)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        api().header("x-openclaw-session-key", key)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"a b\"},{\"role\":\"assistant\","
                        + "\"content\":\"echo: a b\"},{\"role\":\"user\",\"content\":\"c\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).body("usage.prompt_tokens", equalTo(6));
    }

    @Test
    void resendingOnlyWhatTheSessionAlreadyHasIs400OnMessages() {
        String key = "thread-" + System.nanoTime();
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"once\"}]}";
        api().header("x-openclaw-session-key", key).body(body).post("/v1/chat/completions").then().statusCode(200);
        api().header("x-openclaw-session-key", key)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"once\"},{\"role\":\"assistant\","
                        + "\"content\":\"echo: once\"}]}")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", equalTo("messages"));
    }

    @Test
    void statelessRequestsShareNothing() {
        api().body(userMessage(null, "a b")).post("/v1/chat/completions").then().statusCode(200);
        api().body(userMessage(null, "c")).post("/v1/chat/completions").then().statusCode(200)
                .body("usage.prompt_tokens", equalTo(1));
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() {
        api().body("{\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo("echo: one"))
                .body("choices[0].finish_reason", equalTo("length"));
    }

    @Test
    void theClientsRequestIdIsEchoedAndOneIsMadeWhenAbsent() {
        api().header("x-request-id", "abc-123").body(userMessage(null, "hi")).post("/v1/chat/completions").then()
                .header("x-request-id", equalTo("abc-123"));
        Response r = api().body(userMessage(null, "hi")).post("/v1/chat/completions");
        assertEquals(28, r.header("x-request-id").length(), r.header("x-request-id"));
        given().baseUri(server.baseUrl()).get("/nowhere").then().statusCode(404)
                .header("x-request-id", notNullValue());
    }

    @Test
    void contentPartsWithTextAndImagesAreAccepted() {
        api().body("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo("echo: look"))
                .body("choices[0].message.tool_calls", nullValue());
    }
}
