package dev.clawgate.events;

/**
 * What happened to one chat request; holds no message content and no session key.
 *
 * @param requestId         the {@code x-request-id}
 * @param agent             agent id
 * @param sessionKind       stateless, user or header
 * @param stream            whether the client streamed
 * @param status            HTTP status sent (200 for a stream that failed after its headers)
 * @param outcome           ok, error, cancelled or timeout
 * @param errorType         OpenAI error type when the outcome is not ok, else null
 * @param durationNanos     request start to end
 * @param ttftNanos         request start to first content or tool-call delta, -1 when none
 * @param promptTokens      usage, 0 when unknown
 * @param completionTokens  usage, 0 when unknown
 * @param caller            who asked: {@code operator}, a key's name or an SSO user (never a secret), for the log
 * @param callerLabel       the caller as a bounded metrics label: a declared name, {@code operator} or {@code other}
 * @param errorCode         OpenAI error code the client was told ({@code upstream_unavailable}, {@code timeout},
 *                          ...), else null
 * @param traceId           the W3C trace id the request's upstream calls carried: its valid {@code traceparent}'s,
 *                          or the one the gateway started ({@code gateway.tracing.generate}); "" when none
 * @param model             the agent's upstream model as {@code <provider>/<model>}
 * @param upstreamErrorKind how the provider failed ({@code connect}, {@code timeout}, {@code status_5xx}, ...), or
 *                          null when it did not
 * @param toolRounds        model rounds whose server (MCP) tools the gateway ran, 0 without tools
 */
public record RequestRecord(String requestId, String agent, String sessionKind, boolean stream, int status,
                            String outcome, String errorType, long durationNanos, long ttftNanos,
                            long promptTokens, long completionTokens, String caller, String callerLabel,
                            String errorCode, String traceId, String model, String upstreamErrorKind,
                            int toolRounds) {
    /** The caller of a request authenticated with the gateway's one token or password. */
    public static final String OPERATOR = "operator";

    /** A request of the operator, without error code, trace id, model, upstream failure or tool round. */
    public RequestRecord(String requestId, String agent, String sessionKind, boolean stream, int status,
                         String outcome, String errorType, long durationNanos, long ttftNanos, long promptTokens,
                         long completionTokens) {
        this(requestId, agent, sessionKind, stream, status, outcome, errorType, durationNanos, ttftNanos,
                promptTokens, completionTokens, OPERATOR, OPERATOR, null, "", "", null, 0);
    }

    /**
     * A request of {@code caller} ({@code callerLabel} for metrics), without error code, trace id, model or tool
     * round.
     */
    public RequestRecord(String requestId, String agent, String sessionKind, boolean stream, int status,
                         String outcome, String errorType, long durationNanos, long ttftNanos, long promptTokens,
                         long completionTokens, String caller, String callerLabel) {
        this(requestId, agent, sessionKind, stream, status, outcome, errorType, durationNanos, ttftNanos,
                promptTokens, completionTokens, caller, callerLabel, null, "", "", null, 0);
    }

    /** A request without tool rounds. */
    public RequestRecord(String requestId, String agent, String sessionKind, boolean stream, int status,
                         String outcome, String errorType, long durationNanos, long ttftNanos, long promptTokens,
                         long completionTokens, String caller, String callerLabel, String errorCode, String traceId,
                         String model, String upstreamErrorKind) {
        this(requestId, agent, sessionKind, stream, status, outcome, errorType, durationNanos, ttftNanos,
                promptTokens, completionTokens, caller, callerLabel, errorCode, traceId, model, upstreamErrorKind, 0);
    }

    /** The provider part of {@link #model()} ({@code ollama} of {@code ollama/llama3.2}), or "" when unknown. */
    public String provider() {
        int slash = model == null ? -1 : model.indexOf('/');
        return slash < 0 ? "" : model.substring(0, slash);
    }
}
