package dev.clawgate.mcp;

/**
 * What a server tool call produced, ready to become one {@code tool} message: the text content of the result joined
 * with newlines (non-text parts summarised, e.g. {@code [image: image/png]}), at most
 * {@link McpToolbox.Options#maxResultChars()} characters.
 *
 * @param text    the content, or a message saying why the call failed
 * @param isError true when the tool failed, or the call could not be made (then the text says why)
 * @param outcome how the call ended
 */
public record ToolResult(String text, boolean isError, ToolOutcome outcome) {
    static ToolResult failure(ToolOutcome outcome, String message) {
        return new ToolResult(message, true, outcome);
    }
}
