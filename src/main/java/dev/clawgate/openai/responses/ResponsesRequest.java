package dev.clawgate.openai.responses;

import dev.clawgate.openai.ChatRequest;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST /v1/responses} body: the chat request the agent run takes, plus what the Responses API
 * keeps for itself (conversation state, and the settings echoed in the {@code response} object).
 *
 * @param chat               the run's input as a chat completions request: {@code instructions} as a leading
 *                           system message, the input items as messages, {@code max_output_tokens} as
 *                           {@code max_tokens}, function tools in chat format; {@code includeUsage} is always true
 *                           (a response reports usage when streamed too)
 * @param instructions       {@code instructions}, or null
 * @param metadata           {@code metadata} as sent, empty when absent (at most
 *                           {@value ResponsesRequestParser#MAX_METADATA_PAIRS} pairs)
 * @param store              {@code store} [true]: whether the response may be kept for {@code previous_response_id}
 *                           and {@code GET /v1/responses/{id}}
 * @param previousResponseId {@code previous_response_id}, or null
 * @param tools              the function tools as sent (Responses format), empty when none
 * @param toolChoice         {@code tool_choice} as sent ({@code "auto"} when absent)
 * @param parallelToolCalls  {@code parallel_tool_calls} [true]
 * @param temperature        {@code temperature}, or null
 * @param topP               {@code top_p}, or null
 * @param maxOutputTokens    {@code max_output_tokens}, or null
 * @param text               {@code text} as the response object echoes it ({@code {"format":{"type":"text"}}} when
 *                           absent); its format is in {@code chat}'s {@code response_format} ({@link TextFormat})
 */
public record ResponsesRequest(ChatRequest chat, String instructions, Map<String, String> metadata, boolean store,
                               String previousResponseId, List<RequestWire.Tool> tools, JsonValue toolChoice,
                               boolean parallelToolCalls, Double temperature, Double topP, Long maxOutputTokens,
                               jakarta.json.JsonObject text) {
    public ResponsesRequest {
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        tools = List.copyOf(tools);
    }

    /** The {@code model} string as sent, or null. */
    public String model() {
        return chat.model();
    }

    /** {@code stream} [false]. */
    public boolean stream() {
        return chat.stream();
    }

    /** {@code user}, or null when absent or blank. */
    public String user() {
        return chat.user();
    }
}
