package dev.clawgate.openai;

/**
 * A complete function tool call of an assistant message.
 *
 * @param id        the call id, e.g. {@code call_abc}
 * @param name      the function name
 * @param arguments the arguments as a JSON string, exactly as the model produced them
 */
public record ToolCall(String id, String name, String arguments) {
    /** Appends {@code ,"tool_calls":[…]} for {@code calls}, or nothing when there are none. */
    public static StringBuilder appendField(StringBuilder b, java.util.List<ToolCall> calls) {
        if (calls.isEmpty()) {
            return b;
        }
        b.append(",\"tool_calls\":[");
        for (int i = 0; i < calls.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            calls.get(i).appendJson(b);
        }
        return b.append(']');
    }

    public StringBuilder appendJson(StringBuilder b) {
        b.append("{\"id\":");
        JsonText.quote(b, id);
        b.append(",\"type\":\"function\",\"function\":{\"name\":");
        JsonText.quote(b, name);
        b.append(",\"arguments\":");
        JsonText.quote(b, arguments == null ? "" : arguments);
        return b.append("}}");
    }
}
