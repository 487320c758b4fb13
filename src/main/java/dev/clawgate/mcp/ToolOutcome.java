package dev.clawgate.mcp;

import java.util.Locale;

/** How a server tool call ended; a bounded set, used as a metric label ({@link #label()}). */
public enum ToolOutcome {
    /** The server ran the tool and it succeeded. */
    OK,
    /** The server ran the tool and it reported an error ({@code isError}). */
    TOOL_ERROR,
    /** No answer within the server's {@code timeoutMs}. */
    TIMEOUT,
    /** The server is down or the connection failed during the call. */
    UNAVAILABLE,
    /** The arguments were not a JSON object. */
    INVALID_ARGUMENTS,
    /** The tool is outside the agent's allowlist. */
    NOT_ALLOWED,
    /** No such server, or the server lists no such tool. */
    UNKNOWN_TOOL,
    /** The server answered the call with a protocol error. */
    FAILED,
    /** The caller cancelled the call. */
    CANCELLED;

    /** Lower-case label, e.g. {@code tool_error}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
