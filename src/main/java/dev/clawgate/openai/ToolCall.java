package dev.clawgate.openai;

/**
 * A complete function tool call of an assistant message.
 *
 * @param id        the call id, e.g. {@code call_abc}
 * @param name      the function name
 * @param arguments the arguments as a JSON string, exactly as the model produced them
 */
public record ToolCall(String id, String name, String arguments) {
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
