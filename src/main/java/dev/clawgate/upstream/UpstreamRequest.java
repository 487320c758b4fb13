package dev.clawgate.upstream;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.trace.TraceContext;
import jakarta.json.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a provider sends upstream for one run.
 *
 * @param model     the upstream model name (the agent's, never the client's {@code openclaw:…} string)
 * @param messages  the assembled conversation: system prompt, history, new messages
 * @param params    every top-level field the client sent but the ones the gateway owns, as sent, in order
 * @param maxTokens the client's token cap, or null
 * @param choices   how many choices the client asked for ({@code n}) [1]
 * @param trace     the W3C trace context sent as {@code traceparent} / {@code tracestate} headers, or
 *                  {@link TraceContext#NONE} (null is taken as none)
 * @param stream    whether the client streams; a provider with {@code streaming = as-client} makes a non-streamed
 *                  call for a client that does not [true]
 */
public record UpstreamRequest(String model, List<ChatMessage> messages, Map<String, JsonValue> params, Long maxTokens,
                              int choices, TraceContext trace, boolean stream) {
    public UpstreamRequest {
        messages = List.copyOf(messages);
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        choices = Math.max(1, choices);
        trace = trace == null ? TraceContext.NONE : trace;
    }

    /** A request for a streaming client. */
    public UpstreamRequest(String model, List<ChatMessage> messages, Map<String, JsonValue> params, Long maxTokens,
                           int choices, TraceContext trace) {
        this(model, messages, params, maxTokens, choices, trace, true);
    }

    /** A request that is not traced. */
    public UpstreamRequest(String model, List<ChatMessage> messages, Map<String, JsonValue> params, Long maxTokens,
                           int choices) {
        this(model, messages, params, maxTokens, choices, TraceContext.NONE);
    }

    /** A request for one choice, not traced. */
    public UpstreamRequest(String model, List<ChatMessage> messages, Map<String, JsonValue> params, Long maxTokens) {
        this(model, messages, params, maxTokens, 1, TraceContext.NONE);
    }
}
