package dev.clawgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import jakarta.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkDecoderTest {
    private final RecordingSink sink = new RecordingSink();
    private final ChunkDecoder decoder = new ChunkDecoder(sink, Json.createReaderFactory(Map.of()), "sk-secret-key");

    @Test
    void contentToolCallsAndTheFirstFinishReasonAreRelayed() {
        decoder.apply("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"}}]}");
        decoder.apply("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_9\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}");
        decoder.apply("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,"
                + "\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}");
        decoder.apply("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
        decoder.apply("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        assertEquals(List.of("content:Hi", "tool:1", "tool:1", "finish:tool_calls"), sink.calls);
        assertEquals(new ToolCallDelta(1, "call_9", "function", "get_weather", ""), sink.toolCalls.get(0));
        assertEquals(new ToolCallDelta(1, null, null, null, "{\"city\":"), sink.toolCalls.get(1));
        assertTrue(decoder.finished());
    }

    @Test
    void usageWithEmptyChoicesIsKeptWithCachedTokens() {
        decoder.apply("{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4}}}");
        Usage usage = decoder.usage();
        assertEquals(List.of(10L, 3L, 13L, 4L), List.of(usage.promptTokens(), usage.completionTokens(),
                usage.totalTokens(), usage.cachedTokens()));
        assertEquals(List.of(), sink.calls);
        assertFalse(decoder.finished());
    }

    @Test
    void reasoningContentAndOllamasReasoningFieldAreRelayedAsReasoningBeforeTheContent() {
        decoder.apply("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hm\",\"content\":\"\"}}]}");
        decoder.apply("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"ok\"}}]}");
        decoder.apply("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":null,\"content\":\"4\"}}]}");
        assertEquals(List.of("reasoning:hm", "content:", "reasoning:ok", "content:4"), sink.calls);
    }

    @Test
    void reasoningTokensOfTheUsageDetailsAreKept() {
        decoder.apply("{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":8}}}");
        assertEquals(8L, decoder.usage().reasoningTokens());
        assertEquals(14, decoder.usage().totalTokens());
        assertEquals("{\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":8}}",
                decoder.usage().appendJson(new StringBuilder()).toString());
    }

    @Test
    void doneEndsTheStream() {
        assertEquals(ChunkDecoder.Step.DONE, decoder.apply(" [DONE] "));
    }

    @Test
    void aPayloadThatIsNotJsonIsAProtocolError() {
        ApiException e = assertThrows(ApiException.class, () -> decoder.apply("{not json"));
        assertEquals("upstream_protocol_error", e.code());
        assertEquals(502, e.status());
    }

    @Test
    void anErrorEventIsAnUpstreamErrorWithoutTheKey() {
        ApiException e = assertThrows(ApiException.class,
                () -> decoder.apply("{\"error\":{\"message\":\"overloaded, key sk-secret-key\"}}"));
        assertEquals("upstream_error", e.code());
        assertEquals("overloaded, key ****", e.getMessage());
    }

    @Test
    void eachChoiceUpToNIsRelayedWithItsIndexAndFinishesOnceAndLaterChoicesAreIgnored() {
        ChunkDecoder two = new ChunkDecoder(sink, Json.createReaderFactory(Map.of()), null, 2);
        two.apply("{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"B\"}},{\"index\":0,\"delta\":{\"content\":\"A\"}},"
                + "{\"index\":2,\"delta\":{\"content\":\"C\"}}]}");
        two.apply("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        assertFalse(two.finished(), "choice 1 has not finished");
        two.apply("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"late\"},\"finish_reason\":\"length\"},"
                + "{\"index\":1,\"delta\":{},\"finish_reason\":\"length\"}]}");
        assertEquals(List.of("[1]content:B", "content:A", "finish:stop", "[1]finish:length"), sink.calls);
        assertTrue(two.finished());
    }

    @Test
    void otherDeltaFieldsLogprobsAndTheResponseMetaAreRelayedAsSent() {
        decoder.apply("{\"system_fingerprint\":\"fp_1\",\"service_tier\":\"flex\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"refusal\":\"no\",\"reasoning_content\":\"hmm\"},"
                + "\"logprobs\":{\"content\":[{\"token\":\"no\",\"logprob\":-0.5}]}}]}");
        decoder.apply("{\"system_fingerprint\":\"fp_1\",\"service_tier\":\"flex\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"\"},\"logprobs\":null}]}");
        assertEquals(List.of("meta:fp_1:flex", "reasoning:hmm", "field:refusal", "logprobs"), sink.calls,
                "the meta once while unchanged; an empty delta is not relayed");
        assertEquals(Json.createReader(new java.io.StringReader("{\"content\":[{\"token\":\"no\",\"logprob\":-0.5}]}"))
                .readObject(), sink.deltas.get(0).logprobs());
        assertEquals("hmm", sink.deltas.get(0).reasoning());
    }

    @Test
    void theUsageKeepsEveryDetailTheUpstreamSent() {
        decoder.apply("{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":2},\"cost\":0.5}}");
        StringBuilder json = decoder.usage().appendJson(new StringBuilder());
        assertEquals("{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":2},\"cost\":0.5}", json.toString());
    }
}
