package dev.clawgate.mcp;

/**
 * What the toolbox reports for metrics and readiness. Called on the toolbox's I/O threads: implementations return
 * quickly and never throw. Labels are bounded: {@code server} is a configured name and {@code tool} a name the
 * server listed (or {@link #UNKNOWN} for a call to anything else).
 */
public interface ToolEvents {
    /** The label of a server or tool that is not configured or not listed. */
    String UNKNOWN = "_unknown";

    /** Reports nothing. */
    ToolEvents NONE = new ToolEvents() {
    };

    /**
     * A tool call ended (also when it never reached the server).
     *
     * @param agent         the agent that called it, as given to {@link McpToolbox#offer}
     * @param durationNanos from the call to its result
     */
    default void toolCalled(String agent, String server, String tool, ToolOutcome outcome, long durationNanos) {
    }

    /** A server came up or went down; {@code error} is the reason when down (no secrets), else null. */
    default void serverStatusChanged(String server, boolean up, String error) {
    }

    /** A server's tool list was (re)read; {@code toolCount} after the per-server cap. */
    default void toolsChanged(String server, int toolCount) {
    }
}
