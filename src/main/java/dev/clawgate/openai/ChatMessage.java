package dev.clawgate.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * One chat message. {@code content} is kept as the client sent it (a string, an array of {@code text} /
 * {@code image_url} parts, or null) so it reaches the upstream unchanged.
 *
 * @param role       system, developer, user, assistant or tool
 * @param content    {@link JsonString}, {@link JsonArray} of parts, or {@link JsonValue#NULL}
 * @param name       optional participant name, or null
 * @param toolCallId for role tool: the call it answers, else null
 * @param toolCalls  for role assistant: the calls it made (empty when none)
 */
public record ChatMessage(String role, JsonValue content, String name, String toolCallId, List<ToolCall> toolCalls) {
    public ChatMessage {
        Objects.requireNonNull(role);
        content = content == null ? JsonValue.NULL : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage text(String role, String text) {
        return new ChatMessage(role, text == null ? JsonValue.NULL : jakarta.json.Json.createValue(text), null, null,
                List.of());
    }

    /** The text of the message: a string content as is, text parts joined with a newline, else "". */
    public String text() {
        if (content instanceof JsonString s) {
            return s.getString();
        }
        if (content instanceof JsonArray parts) {
            StringBuilder b = new StringBuilder();
            for (JsonValue part : parts) {
                if (part instanceof JsonObject o && "text".equals(o.getString("type", null))
                        && o.get("text") instanceof JsonString t) {
                    if (b.length() > 0) {
                        b.append('\n');
                    }
                    b.append(t.getString());
                }
            }
            return b.toString();
        }
        return "";
    }

    /**
     * Whether this is the same turn as {@code other} for history de-duplication: same role, same text content, same
     * tool-call ids (and, for tool results, the same call answered).
     */
    public boolean sameTurnAs(ChatMessage other) {
        if (!role.equals(other.role) || !text().equals(other.text())
                || !Objects.equals(toolCallId, other.toolCallId) || toolCalls.size() != other.toolCalls.size()) {
            return false;
        }
        for (int i = 0; i < toolCalls.size(); i++) {
            if (!Objects.equals(toolCalls.get(i).id(), other.toolCalls.get(i).id())) {
                return false;
            }
        }
        return true;
    }

    /** Appends the message as OpenAI wire JSON. */
    public StringBuilder appendJson(StringBuilder b) {
        b.append("{\"role\":");
        JsonText.quote(b, role);
        b.append(",\"content\":").append(content.toString());
        if (name != null) {
            b.append(",\"name\":");
            JsonText.quote(b, name);
        }
        if (toolCallId != null) {
            b.append(",\"tool_call_id\":");
            JsonText.quote(b, toolCallId);
        }
        ToolCall.appendField(b, toolCalls);
        return b.append('}');
    }
}
