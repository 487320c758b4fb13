package dev.clawgate.upstream;

import dev.clawgate.openai.ChatMessage;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;

/**
 * What a provider sends upstream for one run.
 *
 * @param model     the upstream model name (the agent's, never the client's {@code openclaw:…} string)
 * @param messages  the assembled conversation: system prompt, history, new messages
 * @param params    sampling and tool fields passed through as the client sent them
 * @param maxTokens the client's token cap, or null
 */
public record UpstreamRequest(String model, List<ChatMessage> messages, Map<String, JsonValue> params, Long maxTokens) {
    public UpstreamRequest {
        messages = List.copyOf(messages);
        params = Map.copyOf(params);
    }
}
