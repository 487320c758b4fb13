package dev.clawgate.mcp;

/**
 * A tool as a server listed it.
 *
 * @param server          the configured server name
 * @param name            the tool's name on that server
 * @param description     its description, at most {@value McpToolbox#MAX_DESCRIPTION_CHARS} characters ("" if none)
 * @param inputSchemaJson its JSON Schema for the arguments, as JSON text (an object schema)
 */
public record McpTool(String server, String name, String description, String inputSchemaJson) {
}
