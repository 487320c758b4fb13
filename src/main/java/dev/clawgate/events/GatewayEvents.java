package dev.clawgate.events;

/**
 * What the gateway tells its observers (metrics) as it works. Every method is called on the request path, so an
 * implementation must be cheap and must never throw or block. The default does nothing. Arguments are bounded
 * label values (agent ids, kinds), never session keys, users, request ids or message content.
 */
public interface GatewayEvents {
    GatewayEvents NONE = new GatewayEvents() {
    };

    /** A bearer credential was missing or wrong (401). */
    default void authFailed() {
    }

    /** A client address was locked out by, or refused during, a failed-auth lockout (429 auth_lockout). */
    default void authLockedOut() {
    }

    /** A request was refused by the request rate limiter (429 rate_limit_exceeded). */
    default void rateLimited() {
    }

    /**
     * A caller's own limit refused a request (429).
     *
     * @param key  the caller's label: a declared key or user name, {@code other} or {@code operator}
     * @param kind {@code requests} or {@code tokens}
     */
    default void quotaRejected(String key, String kind) {
    }

    /** An SSE stream opened (its 200 went out). */
    default void streamOpened(String agent) {
    }

    /** An SSE stream that {@link #streamOpened} reported has ended, however it ended. */
    default void streamClosed(String agent) {
    }

    /**
     * An upstream call failed.
     *
     * @param kind one of {@code connect}, {@code timeout}, {@code status_4xx}, {@code status_5xx}, {@code status_429},
     *             {@code protocol} (a malformed stream), {@code dropped} (closed mid-stream)
     */
    default void upstreamError(String agent, String kind) {
    }

    /**
     * A run gave up an upstream model before it answered and tried the next of the agent's fallbacks.
     *
     * @param from {@code <provider>/<model>} that failed
     * @param to   {@code <provider>/<model>} tried next
     */
    default void upstreamFallback(String agent, String from, String to) {
    }

    /**
     * The shared state store (Redis, {@code gateway.state.redis.url}) failed or timed out; the request went on as
     * documented (limits and lockout open, stateful requests 503).
     *
     * @param kind what was being done: {@code ratelimit}, {@code lockout}, {@code session} or {@code ping}
     */
    default void stateStoreError(String kind) {
    }

    /**
     * The gateway called a server (MCP) tool for an agent.
     *
     * @param server  a configured server name, or {@code _unknown}
     * @param tool    a tool that server listed, or {@code _unknown}
     * @param outcome ok, tool_error, timeout, unavailable, invalid_arguments, not_allowed, unknown_tool, failed or
     *                cancelled
     */
    default void toolCalled(String agent, String server, String tool, String outcome, long durationNanos) {
    }

    /** A configured MCP server came up or went down. */
    default void mcpServerChanged(String server, boolean up) {
    }

    /** A chat request finished, however it ended. */
    default void requestFinished(RequestRecord record) {
    }
}
