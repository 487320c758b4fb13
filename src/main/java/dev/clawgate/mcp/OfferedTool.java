package dev.clawgate.mcp;

import dev.clawgate.openai.JsonText;

/**
 * A server tool as offered to the model: an OpenAI function definition named {@code <server>__<tool>} (see
 * {@link FunctionNames}).
 *
 * @param functionName the function's name, matching {@code ^[a-zA-Z0-9_-]{1,64}$}
 * @param tool         the server tool behind it
 */
public record OfferedTool(String functionName, McpTool tool) {
    /**
     * The entry of an OpenAI {@code tools} array:
     * {@code {"type":"function","function":{"name":…,"description":…,"parameters":{…}}}}.
     */
    public String toJson() {
        StringBuilder b = new StringBuilder(96 + tool.description().length() + tool.inputSchemaJson().length());
        b.append("{\"type\":\"function\",\"function\":{\"name\":");
        JsonText.quote(b, functionName);
        if (!tool.description().isEmpty()) {
            b.append(",\"description\":");
            JsonText.quote(b, tool.description());
        }
        return b.append(",\"parameters\":").append(tool.inputSchemaJson()).append("}}").toString();
    }
}
