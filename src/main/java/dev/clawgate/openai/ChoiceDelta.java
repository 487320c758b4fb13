package dev.clawgate.openai;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;

/**
 * One choice's part of one streamed chunk, as the upstream sent it: the text, the reasoning, the tool-call fragments,
 * every other member of its {@code delta} ({@code refusal}, {@code annotations}, ...) and its {@code logprobs}. The
 * finish reason travels separately.
 *
 * @param index     the choice's {@code index} (0 unless the client asked for {@code n > 1})
 * @param content   a piece of assistant text, or null
 * @param reasoning a piece of the model's reasoning ({@code reasoning_content}, or Ollama's {@code reasoning}), or
 *                  null; relayed as {@code reasoning_content}, never stored in a session
 * @param toolCalls tool-call fragments, indexes preserved (empty when none)
 * @param fields    the other members of {@code delta} as sent, {@code role} excluded (empty when none)
 * @param logprobs  the choice's {@code logprobs} object as sent, or null when absent or null
 */
public record ChoiceDelta(int index, String content, String reasoning, List<ToolCallDelta> toolCalls,
                          JsonObject fields, JsonObject logprobs) {
    public ChoiceDelta {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        fields = fields == null ? JsonValue.EMPTY_JSON_OBJECT : fields;
    }

    public static ChoiceDelta content(int index, String text) {
        return new ChoiceDelta(index, text, null, List.of(), null, null);
    }

    public static ChoiceDelta reasoning(int index, String text) {
        return new ChoiceDelta(index, null, text, List.of(), null, null);
    }

    /** This delta without its reasoning (for {@code agents.<id>.reasoning = drop}). */
    public ChoiceDelta withoutReasoning() {
        return reasoning == null ? this : new ChoiceDelta(index, content, null, toolCalls, fields, logprobs);
    }

    public static ChoiceDelta toolCall(int index, ToolCallDelta call) {
        return new ChoiceDelta(index, null, null, List.of(call), null, null);
    }

    /** Whether there is nothing to relay (an empty text and nothing else, as an upstream's first chunk often is). */
    public boolean isEmpty() {
        return (content == null || content.isEmpty()) && (reasoning == null || reasoning.isEmpty())
                && toolCalls.isEmpty() && fields.isEmpty() && logprobs == null;
    }

    /** Whether the model produced something in this delta (text, a tool call, a refusal...), for time-to-first-token. */
    public boolean hasOutput() {
        return content != null && !content.isEmpty() || reasoning != null && !reasoning.isEmpty()
                || !toolCalls.isEmpty() || !fields.isEmpty();
    }

    /**
     * Appends the {@code delta} object: {@code reasoning_content}, {@code content}, {@code tool_calls}, then the other
     * fields as sent.
     */
    public StringBuilder appendDelta(StringBuilder b) {
        b.append('{');
        boolean first = true;
        if (reasoning != null) {
            b.append("\"reasoning_content\":");
            JsonText.quote(b, reasoning);
            first = false;
        }
        if (content != null) {
            b.append(first ? "" : ",").append("\"content\":");
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
