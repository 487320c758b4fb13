package dev.clawgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.openai.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonReaderFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The byte scanner of the common chunk against the JSON-P tree: a chunk it reads gives the sink exactly the calls the
 * tree gives, and a chunk it does not take (tool calls, logprobs, usage, errors, JSON it is not sure of) is left to
 * the tree.
 */
class ChunkScannerTest {
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    /** Chunks as OpenAI, vLLM, Ollama, llama.cpp, DeepSeek and OpenRouter send them: the scanner reads them all. */
    private static final List<String> COMMON = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\","
                    + "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\","
                    + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}",
            "{\"id\":\"cmpl-v\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\" world\"},\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think\",\"content\":null}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"hmm\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"a\",\"reasoning\":\"b\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\\ud83d\\ude00\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"héllo € 😀 ✓\"}}]}",
            "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"}},{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
            "{\"choices\":[{\"index\":5,\"delta\":{\"content\":\"beyond n\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"no index\"},\"finish_reason\":\"length\"}]}",
            "{\"choices\":[{\"index\":0,\"delta\":null,\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[{\"index\":0}]}",
            "{\"choices\":null,\"system_fingerprint\":null}",
            "{\"choices\":[]}",
            "{}",
            " \n\t{ \"choices\" : [ { \"index\" : 0 , \"delta\" : { \"content\" : \"spaced\" } } ] } \r\n",
            "{\"x\":{\"y\":[1,-2.5,true,false,null,\"s\\u0041\",{}],\"z\":[]},\"choices\":[{\"index\":0,"
                    + "\"native_finish_reason\":\"STOP\",\"extra\":[{\"a\":0}],\"delta\":{\"content\":\"ok\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\",\"tool_calls\":null,\"annotations\":null}}]}");

    /** Chunks the scanner leaves to the tree, with the tree's answer (calls, or an error). */
    private static final List<String> OTHER = List.of(
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"},\"logprobs\":{\"content\":[]}}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}",
            "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"no\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":1}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
            "{\"choices\":[{\"index\":-1,\"delta\":{\"content\":\"neg\"}}]}",
            "{\"choices\":[{\"index\":1.0,\"delta\":{\"content\":\"float index\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"cont\\u0065nt\":\"escaped name\"}}]}",
            "{\"created\":1e3,\"choices\":[]}",
            "{\"created\":01,\"choices\":[]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"raw\ttab\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bad \\x escape\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"open\"}}]",
            "{\"choices\":[]} trailing",
            "{\"choices\":[],}",
            "not json",
            "{\"choices\":\"nope\"}");

    @Test
    void theScannerReadsTheCommonChunksAndGivesTheTreesCalls() {
        for (String chunk : COMMON) {
            assertTrue(scans(chunk), chunk);
            assertSameCalls(chunk);
        }
    }

    @Test
    void whatTheScannerDoesNotTakeGoesToTheTreeWithTheSameResult() {
        for (String chunk : OTHER) {
            assertFalse(scans(chunk), chunk);
            assertSameCalls(chunk);
        }
    }

    @Test
    void aWholeStreamGivesTheSameCallsAndEndEitherWay() {
        List<String> stream = new ArrayList<>(COMMON);
        stream.addAll(OTHER.subList(0, 3));
        assertEquals(decode(stream, false), decode(stream, true));
    }

    @Test
    void theScannerReadsOnlyItsRangeOfALargerArray() {
        byte[] bytes = "xx{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"in\"}}]}\"}]}yy".getBytes(
                StandardCharsets.UTF_8);
        ChunkScanner scanner = new ChunkScanner();
        assertTrue(scanner.scan(bytes, 2, bytes.length - 6));
        assertEquals("in", scanner.content[0]);
        assertFalse(scanner.scan(bytes, 2, 30), "a chunk cut short is not read past its end");
    }

    private static boolean scans(String chunk) {
        byte[] bytes = chunk.strip().getBytes(StandardCharsets.UTF_8);
        return new ChunkScanner().scan(bytes, 0, bytes.length);
    }

    private static void assertSameCalls(String chunk) {
        assertEquals(decode(List.of(chunk), true), decode(List.of(chunk), false), chunk);
    }

    /** The calls (and deltas, in full) of a stream of payloads, through the bytes or through the tree only. */
    private static List<String> decode(List<String> payloads, boolean treeOnly) {
        RecordingSink sink = new RecordingSink();
        ChunkDecoder decoder = new ChunkDecoder(sink, READERS, "sk-key", 2);
        List<String> out = new ArrayList<>();
        for (String data : payloads) {
            try {
                if (treeOnly) {
                    decoder.applyTree(data);
                } else {
                    decoder.apply(data);
                }
            } catch (ApiException e) {
                out.add("error:" + e.status() + ":" + e.code() + ":" + e.getMessage());
            }
        }
        out.addAll(sink.calls);
        sink.deltas.forEach(d -> out.add(d.toString()));
        out.add("finished:" + decoder.finished());
        return out;
    }
}
