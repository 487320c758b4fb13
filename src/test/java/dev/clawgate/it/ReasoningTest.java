package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.delta;
import static dev.clawgate.it.Reply.finish;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reasoning model's thinking ({@code reasoning_content} as vLLM and DeepSeek send it, {@code reasoning} as Ollama
 * does) reaches the client as {@code reasoning_content}, streamed and not, and never the next turn's prompt.
 */
class ReasoningTest {
    static final Reply THINKING = Reply.sse(delta("{\"role\":\"assistant\",\"reasoning_content\":\"Let me think. \"}"),
            delta("{\"reasoning\":\"Two plus two...\"}"), content("4"), finish("stop"),
            "{\"id\":\"up-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14,"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":8}}}");
    static FakeUpstream upstream;
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        server = GatewayServer.start(
                "models.providers.vllm.baseUrl", upstream.baseUrl(),
                "agents.main.model", "vllm/qwen3",
                "agents.quiet.model", "vllm/qwen3",
                "agents.quiet.reasoning", "drop");
        upstream.reply(THINKING);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        upstream.close();
    }

    static List<String> stream(String body) throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", body, "Authorization: Bearer " + GatewayServer.TOKEN);
            http.readHead();
            return StreamingTest.frames(http.readChunkedBody()).stream()
                    .map(f -> f.contains("\"choices\":") ? f.substring(f.indexOf("\"choices\":") + 10) : f)
                    .toList();
        }
    }

    @Test
    void aStreamCarriesTheReasoningAsReasoningContentBeforeTheAnswer() throws Exception {
        List<String> frames = stream("{\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}");
        String rest = ",\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";
        assertEquals("[{\"index\":0,\"delta\":{\"reasoning_content\":\"Let me think. \"}" + rest, frames.get(1));
        assertEquals("[{\"index\":0,\"delta\":{\"reasoning_content\":\"Two plus two...\"}" + rest, frames.get(2));
        assertEquals("[{\"index\":0,\"delta\":{\"content\":\"4\"}" + rest, frames.get(3));
        assertTrue(frames.get(frames.size() - 2).contains(
                "\"completion_tokens_details\":{\"reasoning_tokens\":8}"), frames.get(frames.size() - 2));
    }

    @Test
    void aNonStreamingReplyCarriesTheReasoningInItsMessageAndTheNextTurnDoesNotSendItUpstream() throws Exception {
        upstream.pollRequestBodies();
        server.api().body("{\"user\":\"thinker\",\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo("4"))
                .body("choices[0].message.reasoning_content", equalTo("Let me think. Two plus two..."))
                .body("usage.completion_tokens_details.reasoning_tokens", equalTo(8));
        // the client sends the reasoning back, as some UIs do: it is not passed on either
        server.api().body("{\"user\":\"thinker\",\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"},"
                        + "{\"role\":\"assistant\",\"content\":\"4\",\"reasoning_content\":\"Let me think. \"},"
                        + "{\"role\":\"user\",\"content\":\"and 3+3?\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        List<String> sent = upstream.pollRequestBodies();
        assertEquals(2, sent.size());
        String second = sent.get(1);
        assertTrue(second.contains("\"content\":\"4\"") && second.contains("and 3+3?"), second);
        assertFalse(second.contains("Let me think") || second.contains("Two plus two") || second.contains("reasoning"),
                second);
    }

    @Test
    void anAgentThatDropsReasoningRelaysOnlyTheAnswer() throws Exception {
        server.api().body("{\"model\":\"openclaw:quiet\",\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo("4"))
                .body("choices[0].message.reasoning_content", nullValue());
        List<String> frames = stream("{\"model\":\"openclaw:quiet\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}");
        assertTrue(frames.stream().noneMatch(f -> f.contains("reasoning")), frames.toString());
    }
}
