package dev.clawgate.openai;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Map;

/**
 * Token usage of one completion, as OpenAI's {@code usage} object.
 *
 * @param promptTokens     tokens sent to the model
 * @param completionTokens tokens the model produced
 * @param totalTokens      their sum, or the upstream's total when larger
 * @param details          every other member of the upstream's {@code usage} as sent
 *                         ({@code prompt_tokens_details} with {@code cached_tokens},
 *                         {@code completion_tokens_details} with {@code reasoning_tokens}, ...); empty when none
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, JsonObject details) {
    public Usage {
        details = details == null ? JsonValue.EMPTY_JSON_OBJECT : details;
    }

    public static Usage of(long prompt, long completion) {
        return new Usage(prompt, completion, prompt + completion, null);
    }

    /** {@code prompt_tokens_details.cached_tokens}, or null when the upstream did not say. */
    public Long cachedTokens() {
        return details.get("prompt_tokens_details") instanceof JsonObject d
                && d.get("cached_tokens") instanceof JsonNumber n ? n.longValue() : null;
    }

    /** {@code completion_tokens_details.reasoning_tokens}, or null when the upstream did not say. */
    public Long reasoningTokens() {
        return details.get("completion_tokens_details") instanceof JsonObject d
                && d.get("reasoning_tokens") instanceof JsonNumber n ? n.longValue() : null;
    }

    public StringBuilder appendJson(StringBuilder b) {
        b.append("{\"prompt_tokens\":").append(promptTokens)
                .append(",\"completion_tokens\":").append(completionTokens)
                .append(",\"total_tokens\":").append(totalTokens);
        for (Map.Entry<String, JsonValue> e : details.entrySet()) {
            b.append(',');
            JsonText.quote(b, e.getKey()).append(':').append(e.getValue().toString());
        }
        return b.append('}');
    }
}
