package dev.clawgate.agent;

import dev.clawgate.openai.Usage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * The usage of a run of several model calls (server tool rounds), as one {@link Usage}: prompt, completion and total
 * tokens summed over the calls; of the details, {@code prompt_tokens_details.cached_tokens} and
 * {@code completion_tokens_details.reasoning_tokens} summed over the calls that reported them, every other member
 * as the last call that reported details sent it. Not thread-safe: the loop's monitor guards it.
 */
final class UsageTotal {
    private long prompt;
    private long completion;
    private long total;
    private Long cached;
    private Long reasoning;
    private JsonObject lastDetails = JsonValue.EMPTY_JSON_OBJECT;

    void add(Usage u) {
        prompt += u.promptTokens();
        completion += u.completionTokens();
        total += u.totalTokens();
        if (u.cachedTokens() != null) {
            cached = (cached == null ? 0 : cached) + u.cachedTokens();
        }
        if (u.reasoningTokens() != null) {
            reasoning = (reasoning == null ? 0 : reasoning) + u.reasoningTokens();
        }
        if (!u.details().isEmpty()) {
            lastDetails = u.details();
        }
    }

    /** The sum so far (zeros before any call reported usage). */
    Usage total() {
        if (cached == null && reasoning == null) {
            return new Usage(prompt, completion, total, lastDetails);
        }
        JsonObjectBuilder details = Json.createObjectBuilder(lastDetails);
        if (cached != null) {
            details.add("prompt_tokens_details", with(lastDetails, "prompt_tokens_details", "cached_tokens", cached));
        }
        if (reasoning != null) {
            details.add("completion_tokens_details",
                    with(lastDetails, "completion_tokens_details", "reasoning_tokens", reasoning));
        }
        return new Usage(prompt, completion, total, details.build());
    }

    /** {@code details.<member>} (or an empty object) with {@code key} set to {@code value}. */
    private static JsonObject with(JsonObject details, String member, String key, long value) {
        JsonObject had = details.get(member) instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
        return Json.createObjectBuilder(had).add(key, value).build();
    }
}
