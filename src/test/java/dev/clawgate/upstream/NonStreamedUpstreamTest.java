package dev.clawgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.config.GatewayConfig;
import dev.clawgate.config.GatewayConfig.ProviderSpec;
import dev.clawgate.config.Secret;
import dev.clawgate.it.FakeUpstream;
import dev.clawgate.it.Reply;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.time.SystemScheduler;
import dev.clawgate.trace.TraceContext;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code models.providers.<name>.streaming}: a non-streamed upstream call for a client that does not stream. */
class NonStreamedUpstreamTest {
    /** A whole answer with every field the gateway relays: text, reasoning, two tool calls, logprobs, usage. */
    static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"system_fingerprint\":\"fp_1\",\"service_tier\":\"default\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hello there\",\"reasoning_content\":\"thinking\","
            + "\"refusal\":null,\"annotations\":[],\"tool_calls\":["
            + "{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}},"
            + "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]},"
            + "\"logprobs\":{\"content\":[{\"token\":\"hello\",\"logprob\":-0.1,\"bytes\":[104],\"top_logprobs\":[]}]},"
            + "\"finish_reason\":\"tool_calls\"}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12,"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":3}}}";

    FakeUpstream upstream;
    SystemScheduler timer;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start();
        timer = new SystemScheduler("test-timer");
    }

    @AfterEach
    void stop() throws Exception {
        timer.close();
        upstream.close();
    }

    private OpenAiCompatibleProvider provider(GatewayConfig.Streaming streaming) {
        return new OpenAiCompatibleProvider(new ProviderSpec("unit", URI.create(upstream.baseUrl() + "/"),
                Secret.ofNullable("sk-unit"), "openai-completions", 5000, 0, 0, 2000, List.of(), streaming), timer,
                Clock.systemUTC());
    }

    private static UpstreamRequest request(boolean clientStreams, int choices) {
        return new UpstreamRequest("m", List.of(ChatMessage.text("user", "hi")), Map.of(), null, choices,
                TraceContext.NONE, clientStreams);
    }

    private RecordingSink run(GatewayConfig.Streaming streaming, boolean clientStreams, int choices) throws Exception {
        OpenAiCompatibleProvider provider = provider(streaming);
        try {
            RecordingSink sink = new RecordingSink();
            provider.stream(request(clientStreams, choices), sink);
            sink.end.get(5, TimeUnit.SECONDS);
            return sink;
        } finally {
            provider.close();
        }
    }

    @Test
    void aClientThatDoesNotStreamGetsOneNonStreamedCallWithEveryFieldRelayedAsAStreamWouldBe() throws Exception {
        upstream.reply(Reply.json(ANSWER));
        RecordingSink sink = run(GatewayConfig.Streaming.AS_CLIENT, false, 1);
        FakeUpstream.Received sent = upstream.nextRequest();
        assertTrue(sent.body().contains("\"stream\":false"), sent.body());
        assertFalse(sent.body().contains("stream_options"), "no usage option on a non-streamed call");
        assertEquals("application/json", sent.headers().get("accept"));
        assertEquals(List.of("open", "meta:fp_1:default", "reasoning:thinking", "content:hello there", "tool:0",
                "tool:1", "field:annotations", "logprobs", "finish:tool_calls", "usage", "complete"), sink.calls);
        assertEquals("call_a", sink.toolCalls.get(0).id());
        assertEquals("{\"x\":1}", sink.toolCalls.get(0).arguments());
        assertEquals("g", sink.toolCalls.get(1).name());
        assertEquals(7L, sink.usage.completionTokens());
        assertEquals(3L, sink.usage.reasoningTokens());
    }

    @Test
    void everyChoiceOfANonStreamedAnswerIsRelayedWithItsIndex() throws Exception {
        upstream.reply(Reply.json("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a\"},"
                + "\"finish_reason\":\"stop\"},{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"b\"},"
                + "\"finish_reason\":\"length\"}]}"));
        RecordingSink sink = run(GatewayConfig.Streaming.AS_CLIENT, false, 2);
        assertEquals(List.of("open", "content:a", "finish:stop", "[1]content:b", "[1]finish:length", "complete"),
                sink.calls);
    }

    @Test
    void aStreamingClientIsStillStreamedWhenTheProviderStreamsAsTheClientAsks() throws Exception {
        upstream.reply(Reply.sse(Reply.content("a"), Reply.finish("stop")));
        RecordingSink sink = run(GatewayConfig.Streaming.AS_CLIENT, true, 1);
        String body = upstream.nextRequest().body();
        assertTrue(body.contains("\"stream\":true,\"stream_options\":{\"include_usage\":true}"), body);
        assertEquals(List.of("open", "content:a", "finish:stop", "complete"), sink.calls);
    }

    @Test
    void byDefaultEveryCallIsStreamedWhateverTheClientAsked() throws Exception {
        upstream.reply(Reply.sse(Reply.content("a"), Reply.finish("stop")));
        RecordingSink sink = run(GatewayConfig.Streaming.ALWAYS, false, 1);
        FakeUpstream.Received sent = upstream.nextRequest();
        assertTrue(sent.body().contains("\"stream\":true"), sent.body());
        assertEquals("text/event-stream", sent.headers().get("accept"));
        assertEquals(List.of("open", "content:a", "finish:stop", "complete"), sink.calls);
    }

    @Test
    void anUpstreamThatStreamsAnywayIsRelayed() throws Exception {
        upstream.reply(Reply.sse(Reply.content("a"), Reply.finish("stop")));
        RecordingSink sink = run(GatewayConfig.Streaming.AS_CLIENT, false, 1);
        assertEquals(List.of("open", "content:a", "finish:stop", "complete"), sink.calls);
    }

    @Test
    void anErrorObjectInANonStreamedAnswerIsAnUpstreamError() throws Exception {
        upstream.reply(Reply.json("{\"error\":{\"message\":\"the model is overloaded\",\"type\":\"server_error\"}}"));
        RecordingSink sink = run(GatewayConfig.Streaming.AS_CLIENT, false, 1);
        assertEquals("error", sink.end.get());
        assertEquals(List.of("open"), sink.calls.subList(0, 1));
        assertTrue(sink.calls.get(1).startsWith("error:"), sink.calls.toString());
    }

    @Test
    void aNonStreamedAnswerThatIsNotJsonIsAProtocolError() throws Exception {
        upstream.reply(Reply.json("<html>busy</html>"));
        RecordingSink sink = run(GatewayConfig.Streaming.AS_CLIENT, false, 1);
        assertEquals("error", sink.end.get());
        assertEquals(502, sink.error.status());
    }

    @Test
    void aNonStreamedAnswerLargerThanItsBoundIsAProtocolErrorNotAHeapOfBytes() throws Exception {
        String filler = "x".repeat(AnswerBody.MAX_BYTES);
        upstream.reply(Reply.json("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"" + filler + "\"}}]}"));
        RecordingSink sink = run(GatewayConfig.Streaming.AS_CLIENT, false, 1);
        assertEquals("error", sink.end.get());
        assertEquals(502, sink.error.status());
        assertTrue(sink.error.getMessage().contains("larger than " + AnswerBody.MAX_BYTES), sink.error.getMessage());
    }
}
