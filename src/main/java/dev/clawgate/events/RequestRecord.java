package dev.clawgate.events;

/**
 * What happened to one chat request; holds no message content and no session key.
 *
 * @param requestId        the {@code x-request-id}
 * @param agent            agent id
 * @param sessionKind      stateless, user or header
 * @param stream           whether the client streamed
 * @param status           HTTP status sent (200 for a stream that failed after its headers)
 * @param outcome          ok, error, cancelled or timeout
 * @param errorType        OpenAI error type when the outcome is not ok, else null
 * @param durationNanos    request start to end
 * @param ttftNanos        request start to first content or tool-call delta, -1 when none
 * @param promptTokens     usage, 0 when unknown
 * @param completionTokens usage, 0 when unknown
 * @param caller           who asked: {@code operator}, a key's name or an SSO user (never a secret), for the log
 * @param callerLabel      the caller as a bounded metrics label: a declared name, {@code operator} or {@code other}
 * @param toolRounds       model rounds whose server (MCP) tools the gateway ran, 0 without tools
 */
public record RequestRecord(String requestId, String agent, String sessionKind, boolean stream, int status,
                            String outcome, String errorType, long durationNanos, long ttftNanos,
                            long promptTokens, long completionTokens, String caller, String callerLabel,
                            int toolRounds) {
    /** A request of the operator without tool rounds. */
    public RequestRecord(String requestId, String agent, String sessionKind, boolean stream, int status,
                         String outcome, String errorType, long durationNanos, long ttftNanos,
                         long promptTokens, long completionTokens) {
        this(requestId, agent, sessionKind, stream, status, outcome, errorType, durationNanos, ttftNanos,
                promptTokens, completionTokens, "operator", "operator", 0);
    }

    /** A request of the operator. */
    public RequestRecord(String requestId, String agent, String sessionKind, boolean stream, int status,
                         String outcome, String errorType, long durationNanos, long ttftNanos, long promptTokens,
                         long completionTokens, int toolRounds) {
        this(requestId, agent, sessionKind, stream, status, outcome, errorType, durationNanos, ttftNanos, promptTokens,
                completionTokens, "operator", "operator", toolRounds);
    }

    /** A request without tool rounds. */
    public RequestRecord(String requestId, String agent, String sessionKind, boolean stream, int status,
                         String outcome, String errorType, long durationNanos, long ttftNanos,
                         long promptTokens, long completionTokens, String caller, String callerLabel) {
        this(requestId, agent, sessionKind, stream, status, outcome, errorType, durationNanos, ttftNanos,
                promptTokens, completionTokens, caller, callerLabel, 0);
    }
}
