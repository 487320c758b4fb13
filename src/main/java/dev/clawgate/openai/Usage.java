package dev.clawgate.openai;

/**
 * Token usage of one completion, as OpenAI's {@code usage} object.
 *
 * @param promptTokens     tokens sent to the model
 * @param completionTokens tokens the model produced
 * @param totalTokens      their sum, or the upstream's total when larger
 * @param cachedTokens     prompt tokens served from the upstream's cache, or null when unknown
 * @param reasoningTokens  completion tokens the model spent reasoning
 *                         ({@code completion_tokens_details.reasoning_tokens}), or null when unknown
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, Long cachedTokens,
                    Long reasoningTokens) {
    /** Without reasoning tokens. */
    public Usage(long promptTokens, long completionTokens, long totalTokens, Long cachedTokens) {
        this(promptTokens, completionTokens, totalTokens, cachedTokens, null);
    }

    public static Usage of(long prompt, long completion) {
        return new Usage(prompt, completion, prompt + completion, null, null);
    }

    public StringBuilder appendJson(StringBuilder b) {
        b.append("{\"prompt_tokens\":").append(promptTokens)
                .append(",\"completion_tokens\":").append(completionTokens)
                .append(",\"total_tokens\":").append(totalTokens);
        if (cachedTokens != null) {
            b.append(",\"prompt_tokens_details\":{\"cached_tokens\":").append(cachedTokens).append('}');
        }
        if (reasoningTokens != null) {
            b.append(",\"completion_tokens_details\":{\"reasoning_tokens\":").append(reasoningTokens).append('}');
        }
        return b.append('}');
    }
}
