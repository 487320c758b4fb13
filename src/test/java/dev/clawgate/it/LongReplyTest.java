package dev.clawgate.it;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long replies are streamed as the client takes them, bounded by bytes queued per response
 * ({@code gateway.http.maxQueuedBytes}) rather than by a frame count, and a reply is cut at
 * {@code gateway.http.maxReplyBytes} with {@code finish_reason} {@code length}.
 */
class LongReplyTest {
    static final String AUTH = "Authorization: Bearer " + GatewayServer.TOKEN;
    static GatewayServer server;
    static GatewayServer capped;

    @BeforeAll
    static void start() throws Exception {
        server = GatewayServer.start();
        capped = GatewayServer.start("gateway.http.maxReplyBytes", "1024");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        capped.close();
    }

    static String words(int n) {
        return IntStream.range(0, n).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    static String ask(String text, boolean stream) {
        return "{\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    /** The same on the stored session of {@code user}. */
    static String ask(String text, boolean stream, String user) {
        return ask(text, stream).replace("{\"stream\"", "{\"user\":\"" + user + "\",\"stream\"");
    }

    /** The data frames of a whole SSE body, without the blank lines between them. */
    static List<String> frames(String body) {
        assertTrue(body.endsWith("\n\n"), "the stream ends with a blank line");
        return List.of(body.substring(0, body.length() - 2).split("\n\n", -1));
    }

    /** Streams an echo of {@code text}; asserts role first, finish then [DONE] last; returns the text relayed. */
    static String streamedEcho(GatewayServer gateway, String body, String finishReason) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.post("/v1/chat/completions", body, AUTH);
            StreamingTest.assertSseHead(http.readHead());
            List<String> frames = frames(http.readChunkedBody());
            assertTrue(frames.get(0).contains("\"delta\":{\"role\":\"assistant\"}"), frames.get(0));
            assertEquals("data: [DONE]", frames.get(frames.size() - 1));
            String finish = frames.get(frames.size() - 2);
            assertTrue(finish.contains("\"delta\":{},\"logprobs\":null,\"finish_reason\":\"" + finishReason + "\""),
                    finish);
            StringBuilder relayed = new StringBuilder();
            for (String frame : frames.subList(1, frames.size() - 2)) {
                JsonObject chunk = Json.createReader(new StringReader(frame.substring("data: ".length())))
                        .readObject();
                relayed.append(chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
                        .getString("content"));
            }
            return relayed.toString();
        }
    }

    @Test
    void aNineThousandWordEchoStreamArrivesWholeWithFinishAndDone() throws Exception {
        String text = words(9_000);
        assertEquals("echo: " + text, streamedEcho(server, ask(text, true), "stop"));
    }

    @Test
    void aHundredThousandWordEchoStreamArrivesWholeWithFinishAndDone() throws Exception {
        String text = words(100_000);
        assertEquals("echo: " + text, streamedEcho(server, ask(text, true), "stop"));
    }

    @Test
    void aHundredThousandWordNonStreamingEchoIsOneWholeBody() {
        String text = words(100_000);
        server.api().body(ask(text, false)).post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo("echo: " + text))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.completion_tokens", equalTo(100_001));
    }

    @Test
    void aStreamedReplyOfAStoredSessionLongerThanMaxReplyBytesIsCutThereWithFinishReasonLength() throws Exception {
        String text = words(2_000);
        String relayed = streamedEcho(capped, ask(text, true, "long-stream"), "length");
        assertTrue(relayed.getBytes(StandardCharsets.UTF_8).length <= 1024, relayed.length() + " chars relayed");
        assertTrue(relayed.length() > 1000, "the reply was cut at the bound, not before: " + relayed.length());
        assertTrue(("echo: " + text).startsWith(relayed));
        // the cut reply is what the session stored: the next turn sees it as history
        capped.api().body(ask("next", false, "long-stream")).post("/v1/chat/completions").then().statusCode(200)
                .body("usage.prompt_tokens", equalTo(2_000 + relayed.split(" ").length + 1));
    }

    @Test
    void aStatelessStreamIsRelayedWholeWhateverMaxReplyBytes() throws Exception {
        String text = words(2_000);
        assertEquals("echo: " + text, streamedEcho(capped, ask(text, true), "stop"));
    }

    @Test
    void aNonStreamingReplyLongerThanMaxReplyBytesIsCutThereWithFinishReasonLength() {
        String text = words(2_000);
        String content = capped.api().body(ask(text, false)).post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].finish_reason", equalTo("length"))
                .extract().path("choices[0].message.content");
        assertTrue(content.length() > 1000 && content.length() <= 1024, content.length() + " chars");
        assertTrue(("echo: " + text).startsWith(content));
    }
}
