package dev.clawgate.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the request parser with raw bodies. Invariants: it returns a request or throws {@link ApiException} with a
 * 4xx status (never another exception, never a 5xx); a rejection renders as an OpenAI error object; a returned
 * request has at least one user or tool message, and its messages survive a trip through their wire JSON unchanged
 * (what the upstream and the session store get back is what was validated). Regression inputs:
 * {@code src/test/resources/dev/clawgate/openai/ChatRequestParserFuzzTestInputs/}; fuzzing: docs/FUZZING.md.
 */
class ChatRequestParserFuzzTest {
    private static final ChatRequestParser PARSER = new ChatRequestParser();

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\"model\"", "\"messages\"", "\"role\"", "\"content\"", "\"user\"", "\"assistant\"",
            "\"tool\"", "\"system\"", "\"developer\"", "\"tool_calls\"", "\"tool_call_id\"", "\"function\"",
            "\"arguments\"", "\"name\"", "\"stream\"", "\"stream_options\"", "\"include_usage\"", "\"n\"",
            "\"temperature\"", "\"top_p\"", "\"max_tokens\"", "\"max_completion_tokens\"", "\"stop\"", "\"seed\"",
            "\"response_format\"", "\"type\"", "\"json_schema\"", "\"tools\"", "\"tool_choice\"",
            "\"parallel_tool_calls\"", "\"text\"", "\"image_url\"", "\"url\"", "true", "false", "null", "1e999",
            "-0", "9007199254740993", "\\ud800"})
    void aBodyIsEitherARequestOrA4xx(byte[] body) {
        ChatRequest request;
        try {
            request = PARSER.parse(body, body.length);
        } catch (ApiException e) {
            assertTrue(e.status() >= 400 && e.status() < 500, "status " + e.status());
            assertEquals("invalid_request_error", e.type());
            assertNotNull(e.getMessage());
            assertTrue(PARSER.readJson(bytes(e.toJson()), bytes(e.toJson()).length) instanceof jakarta.json.JsonObject);
            return;
        }
        assertFalse(request.messages().isEmpty());
        assertTrue(request.messages().stream().anyMatch(m -> m.role().equals("user") || m.role().equals("tool")));
        StringBuilder wire = new StringBuilder("[");
        for (ChatMessage m : request.messages()) {
            if (wire.length() > 1) {
                wire.append(',');
            }
            m.appendJson(wire);
        }
        byte[] again = bytes(wire.append(']').toString());
        JsonValue reread = PARSER.readJson(again, again.length);
        List<ChatMessage> back = PARSER.messages(reread);
        assertEquals(request.messages(), back);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
