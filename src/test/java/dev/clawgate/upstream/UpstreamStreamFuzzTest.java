package dev.clawgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.clawgate.openai.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonReaderFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes what an upstream sends back: the SSE parser and the chunk decoder behind it. Invariants: the parser throws
 * nothing but {@link SseParser.SseProtocolException}, dispatches no event larger than its bound (so memory stays
 * bounded), and gives the same events however the bytes are split into buffers; the decoder turns any payload into
 * sink calls (at most one finish) or an {@link ApiException} 502 {@code upstream_protocol_error} /
 * {@code upstream_error} whose message never holds the provider's key, and reads a payload's bytes with the same
 * result as its JSON-P tree ({@link ChunkScanner}). Regression inputs:
 * {@code src/test/resources/dev/clawgate/upstream/UpstreamStreamFuzzTestInputs/}; fuzzing: docs/FUZZING.md.
 */
class UpstreamStreamFuzzTest {
    /** A small bound, so that inputs of a few KB reach it. */
    private static final int MAX_EVENT = 300;
    private static final String KEY = "sk-fuzz-key";
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
    private static final Set<String> STREAM_ERRORS = Set.of("upstream_protocol_error", "upstream_error");

    // line ends are written as libFuzzer dictionary escapes: Jazzer copies the entries into its dictionary file as is
    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"data:", "data: ", "event:", "id:", "retry:", ":",
            "\\x0d\\x0a", "\\x0d", "\\x0a\\x0a", "[DONE]",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"", "\"finish_reason\":\"stop\"", "\"tool_calls\"",
            "\"usage\"", "\"error\"", "\"message\""})
    void anyUpstreamStreamGivesDeltasOrOneDocumentedError(byte[] stream) {
        List<String> whole = new ArrayList<>();
        boolean wholeFailed = parse(stream, whole, stream.length);
        List<String> split = new ArrayList<>();
        boolean splitFailed = parse(stream, split, 1 + (stream.length > 0 ? (stream[0] & 7) : 0));
        assertEquals(whole, split, "the same events whatever the buffer boundaries");
        assertEquals(wholeFailed, splitFailed);
        for (String event : whole) {
            assertTrue(event.length() <= MAX_EVENT, "event of " + event.length() + " chars");
        }
        decode(whole);
    }

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"{\"choices\":[", "{\"index\":0,", "\"delta\":{", "\"content\":", "\"tool_calls\":[",
            "\"function\":{", "\"name\":", "\"arguments\":", "\"id\":", "\"type\":", "\"finish_reason\":",
            "\"usage\":{", "\"prompt_tokens\":", "\"completion_tokens\":", "\"total_tokens\":",
            "\"prompt_tokens_details\":{\"cached_tokens\":", "\"error\":", "\"message\":", "null", "[DONE]",
            "sk-fuzz-key", "1e999", "-1", "9223372036854775808"})
    void anyDataPayloadGivesDeltasOrA502(byte[] payload) {
        decode(List.of(new String(payload, StandardCharsets.UTF_8)));
        assertEquals(calls(payload, true), calls(payload, false), "the byte scanner and the JSON-P tree agree");
    }

    /** The sink calls (deltas in full) of one payload: from its raw bytes, or decoded and read as a tree only. */
    private static List<String> calls(byte[] payload, boolean treeOnly) {
        RecordingSink sink = new RecordingSink();
        ChunkDecoder decoder = new ChunkDecoder(sink, READERS, KEY, 2);
        List<String> out = new ArrayList<>();
        try {
            out.add(String.valueOf(treeOnly ? decoder.applyTree(new String(payload, StandardCharsets.UTF_8))
                    : decoder.apply(payload, 0, payload.length)));
        } catch (ApiException e) {
            out.add(e.code() + ":" + e.getMessage());
        }
        out.addAll(sink.calls);
        sink.deltas.forEach(d -> out.add(d.toString()));
        return out;
    }

    /** Feeds {@code bytes} in buffers of {@code piece} bytes, then ends; true when it was a protocol error. */
    private static boolean parse(byte[] bytes, List<String> events, int piece) {
        SseParser parser = new SseParser(events::add, MAX_EVENT);
        try {
            for (int at = 0; at < bytes.length; at += piece) {
                parser.feed(ByteBuffer.wrap(bytes, at, Math.min(piece, bytes.length - at)));
            }
            parser.end();
            return false;
        } catch (SseParser.SseProtocolException e) {
            return true;
        }
    }

    private static void decode(List<String> events) {
        RecordingSink sink = new RecordingSink();
        ChunkDecoder decoder = new ChunkDecoder(sink, READERS, KEY);
        for (String data : events) {
            try {
                if (decoder.apply(data) == ChunkDecoder.Step.DONE) {
                    break;
                }
            } catch (ApiException e) {
                assertEquals(502, e.status());
                assertEquals("api_error", e.type());
                assertTrue(STREAM_ERRORS.contains(e.code()), e.code());
                assertFalse(e.getMessage().contains(KEY), "the key leaked");
                break;
            }
        }
        assertTrue(sink.calls.stream().filter(c -> c.startsWith("finish:")).count() <= 1);
        assertEquals(sink.calls.stream().anyMatch(c -> c.startsWith("finish:")), decoder.finished());
    }
}
