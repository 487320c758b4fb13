package dev.clawgate.openai;

import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST /v1/chat/completions} body.
 *
 * @param model          the {@code model} string as sent, or null when absent or null
 * @param messages       the messages, in order, at least one of them user or tool
 * @param stream         {@code stream} [false]
 * @param includeUsage   {@code stream_options.include_usage} [false]
 * @param user           {@code user}, or null when absent, null or blank
 * @param maxTokens      {@code max_completion_tokens}, else {@code max_tokens}, else null
 * @param upstreamParams every top-level field but {@code model}, {@code messages}, {@code stream} and
 *                       {@code stream_options}, as sent (nulls included), in the order received: the upstream gets
 *                       them unchanged
 * @param choices        {@code n}: how many choices to generate [1]
 */
public record ChatRequest(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage, String user,
                          Long maxTokens, Map<String, JsonValue> upstreamParams, int choices) {
    public ChatRequest {
        messages = List.copyOf(messages);
        upstreamParams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(upstreamParams));
        if (choices < 1) {
            throw new IllegalArgumentException("choices must be at least 1");
        }
    }

    /** A request for one choice. */
    public ChatRequest(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage, String user,
                       Long maxTokens, Map<String, JsonValue> upstreamParams) {
        this(model, messages, stream, includeUsage, user, maxTokens, upstreamParams, 1);
    }

    /** The model string to echo in responses: as sent, or {@code openclaw} when absent. */
    public String echoModel() {
        return model == null ? "openclaw" : model;
    }
}
