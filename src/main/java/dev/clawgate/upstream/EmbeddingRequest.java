package dev.clawgate.upstream;

import dev.clawgate.trace.TraceContext;
import jakarta.json.JsonValue;

/**
 * What a provider sends to {@code {baseUrl}/embeddings} for one {@code /v1/embeddings} request.
 *
 * @param model          the upstream model name (the agent's embedding model, never the client's string)
 * @param input          {@code input} as the client sent it: a string, an array of strings, an array of token ids
 *                       or an array of token-id arrays (validated by the front end)
 * @param encodingFormat {@code float} or {@code base64}, or null when the client sent none
 * @param dimensions     the client's {@code dimensions}, or null
 * @param user           the client's {@code user}, or null
 * @param trace          the W3C trace context sent as {@code traceparent} / {@code tracestate} headers, or
 *                       {@link TraceContext#NONE} (null is taken as none)
 */
public record EmbeddingRequest(String model, JsonValue input, String encodingFormat, Long dimensions, String user,
                               TraceContext trace) {
    public EmbeddingRequest {
        trace = trace == null ? TraceContext.NONE : trace;
    }

    /** A request that is not traced. */
    public EmbeddingRequest(String model, JsonValue input, String encodingFormat, Long dimensions, String user) {
        this(model, input, encodingFormat, dimensions, user, TraceContext.NONE);
    }
}
