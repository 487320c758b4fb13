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
 * @param upstreamParams the validated sampling and tool fields passed to the upstream as sent ({@code temperature},
 *                       {@code top_p}, {@code max_tokens}, {@code max_completion_tokens}, {@code stop}, {@code seed},
 *                       {@code response_format}, {@code presence_penalty}, {@code frequency_penalty}, {@code tools},
 *                       {@code tool_choice}, {@code parallel_tool_calls}), in the order received
 */
public record ChatRequest(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage, String user,
                          Long maxTokens, Map<String, JsonValue> upstreamParams) {
    public ChatRequest {
        messages = List.copyOf(messages);
        upstreamParams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(upstreamParams));
    }

    /** The model string to echo in responses: as sent, or {@code openclaw} when absent. */
    public String echoModel() {
        return model == null ? "openclaw" : model;
    }
}
