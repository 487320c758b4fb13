package dev.clawgate.openai;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;

/**
 * One choice's part of one streamed chunk, as the upstream sent it: the text, the tool-call fragments, every other
 * member of its {@code delta} ({@code refusal}, {@code annotations}, {@code reasoning_content}, ...) and its
 * {@code logprobs}. The finish reason travels separately.
 *
 * @param index     the choice's {@code index} (0 unless the client asked for {@code n > 1})
 * @param content   a piece of assistant text, or null
 * @param toolCalls tool-call fragments, indexes preserved (empty when none)
 * @param fields    the other members of {@code delta} as sent, {@code role} excluded (empty when none)
 * @param logprobs  the choice's {@code logprobs} object as sent, or null when absent or null
 */
public record ChoiceDelta(int index, String content, List<ToolCallDelta> toolCalls, JsonObject fields,
                          JsonObject logprobs) {
    public ChoiceDelta {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        fields = fields == null ? JsonValue.EMPTY_JSON_OBJECT : fields;
    }

    public static ChoiceDelta content(int index, String text) {
        return new ChoiceDelta(index, text, List.of(), null, null);
    }

    public static ChoiceDelta toolCall(int index, ToolCallDelta call) {
        return new ChoiceDelta(index, null, List.of(call), null, null);
    }

    /** Whether there is nothing to relay (an empty text and nothing else, as an upstream's first chunk often is). */
    public boolean isEmpty() {
        return (content == null || content.isEmpty()) && toolCalls.isEmpty() && fields.isEmpty() && logprobs == null;
    }

    /** Whether the model produced something in this delta (text, a tool call, a refusal...), for time-to-first-token. */
    public boolean hasOutput() {
        return content != null && !content.isEmpty() || !toolCalls.isEmpty() || !fields.isEmpty();
    }

    /** Appends the {@code delta} object: {@code content}, {@code tool_calls}, then the other fields as sent. */
    public StringBuilder appendDelta(StringBuilder b) {
        b.append('{');
        boolean first = true;
        if (content != null) {
            b.append("\"content\":");
            JsonText.quote(b, content);
            first = false;
        }
        if (!toolCalls.isEmpty()) {
            b.append(first ? "" : ",").append("\"tool_calls\":[");
            for (int i = 0; i < toolCalls.size(); i++) {
                toolCalls.get(i).appendJson(i == 0 ? b : b.append(','));
            }
            b.append(']');
            first = false;
        }
        for (Map.Entry<String, JsonValue> e : fields.entrySet()) {
            b.append(first ? "" : ",");
            JsonText.quote(b, e.getKey()).append(':').append(e.getValue().toString());
            first = false;
        }
        return b.append('}');
    }
}
