package dev.clawgate.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The top-level request fields the gateway passes to the upstream exactly as sent: every field but the ones it owns
 * ({@code model}, {@code messages}, {@code stream}, {@code stream_options}), standard or not (server extensions such
 * as {@code top_k} or {@code chat_template_kwargs}), nulls included, in the order received. Fields OpenAI defines a
 * range for keep their validation (a 400 naming the field); every other field is only bounded: the JSON size of all
 * of them together, names included, is at most {@link RequestLimits#maxPassThroughBytes()}.
 */
final class PassThrough {
    /** Fields the gateway owns: it writes them itself upstream. */
    static final Set<String> OWNED = Set.of("model", "messages", "stream", "stream_options");
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");
    private static final Set<String> TOOL_CHOICES = Set.of("none", "auto", "required");

    private PassThrough() {
    }

    /** Every field not {@link #OWNED}, validated and bounded. */
    static Map<String, JsonValue> collect(JsonObject body, long maxBytes) {
        Map<String, JsonValue> params = new LinkedHashMap<>();
        long bytes = 0;
        for (Map.Entry<String, JsonValue> e : body.entrySet()) {
            if (OWNED.contains(e.getKey())) {
                continue;
            }
            // "name": value, — the quotes, colon and comma of the field, then the sizes of name and value
            bytes += 4 + e.getKey().length();
            bytes = JsonSize.add(bytes, e.getValue(), maxBytes);
            if (bytes > maxBytes) {
                throw ApiException.badRequest(e.getKey(), "request_too_large", "The fields passed to the model "
                        + "are larger than " + maxBytes + " bytes of JSON (gateway.http.maxPassThroughBytes); `"
                        + ChatRequestParser.truncate(e.getKey()) + "` crossed the limit.");
            }
            params.put(e.getKey(), e.getValue());
        }
        validate(params);
        return params;
    }

    /** The checks of the standard fields whose range OpenAI defines; nulls are left to the upstream. */
    private static void validate(Map<String, JsonValue> params) {
        range(params, "temperature", 0, 2, "`temperature` must be between 0 and 2.");
        range(params, "top_p", 0, 1, "`top_p` must be between 0 and 1.");
        range(params, "presence_penalty", -2, 2, "`presence_penalty` must be between -2.0 and 2.0.");
        range(params, "frequency_penalty", -2, 2, "`frequency_penalty` must be between -2.0 and 2.0.");
        if (present(params, "seed") && !(params.get("seed") instanceof JsonNumber s && s.isIntegral())) {
            throw ApiException.badRequest("seed", "`seed` must be an integer.");
        }
        stop(params.get("stop"));
        responseFormat(params.get("response_format"));
        tools(params.get("tools"), params.get("tool_choice"));
        JsonValue parallel = params.get("parallel_tool_calls");
        if (present(params, "parallel_tool_calls") && parallel != JsonValue.TRUE && parallel != JsonValue.FALSE) {
            throw ApiException.badRequest("parallel_tool_calls", "`parallel_tool_calls` must be a boolean.");
        }
    }

    /**
     * {@code max_completion_tokens}, else {@code max_tokens} (each a positive integer when present), else null.
     */
    static Long maxTokens(Map<String, JsonValue> params) {
        Long maxTokens = positiveInt(params, "max_tokens");
        Long maxCompletion = positiveInt(params, "max_completion_tokens");
        return maxCompletion != null ? maxCompletion : maxTokens;
    }

    /** {@code n}: absent or null is 1; else an integer from 1 to {@code max}. */
    static int choices(Map<String, JsonValue> params, int max) {
        if (!present(params, "n")) {
            return 1;
        }
        if (!(params.get("n") instanceof JsonNumber n) || !n.isIntegral() || n.bigIntegerValue().signum() <= 0) {
            throw ApiException.badRequest("n", "`n` must be a positive integer.");
        }
        if (n.bigIntegerValue().bitLength() > 31 || n.intValue() > max) {
            throw ApiException.badRequest("n", "integer_above_max_value", "`n` must be at most " + max
                    + " (gateway.http.maxChoices).");
        }
        return n.intValue();
    }

    private static boolean present(Map<String, JsonValue> params, String field) {
        JsonValue v = params.get(field);
        return v != null && v != JsonValue.NULL;
    }

    private static void range(Map<String, JsonValue> params, String field, double min, double max, String message) {
        if (!present(params, field)) {
            return;
        }
        if (!(params.get(field) instanceof JsonNumber n)) {
            throw ApiException.badRequest(field, "`" + field + "` must be a number.");
        }
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) {
            throw ApiException.badRequest(field, message);
        }
    }

    private static Long positiveInt(Map<String, JsonValue> params, String field) {
        if (!present(params, field)) {
            return null;
        }
        if (!(params.get(field) instanceof JsonNumber n) || !n.isIntegral() || n.bigIntegerValue().signum() <= 0
                || n.bigIntegerValue().bitLength() > 53) {
            throw ApiException.badRequest(field, "`" + field + "` must be a positive integer.");
        }
        return n.longValue();
    }

    private static void stop(JsonValue v) {
        if (v == null || v == JsonValue.NULL || v instanceof JsonString) {
            return;
        }
        if (!(v instanceof JsonArray a)) {
            throw ApiException.badRequest("stop", "`stop` must be a string or an array of strings.");
        }
        if (a.size() > 4) {
            throw ApiException.badRequest("stop", "`stop` supports at most 4 sequences.");
        }
        for (JsonValue s : a) {
            if (!(s instanceof JsonString str) || str.getString().isEmpty()) {
                throw ApiException.badRequest("stop", "`stop` entries must be non-empty strings.");
            }
        }
    }

    private static void responseFormat(JsonValue v) {
        if (v == null || v == JsonValue.NULL) {
            return;
        }
        if (!(v instanceof JsonObject o) || !(o.get("type") instanceof JsonString t)
                || !RESPONSE_FORMATS.contains(t.getString())) {
            throw ApiException.badRequest("response_format",
                    "`response_format.type` must be 'text', 'json_object' or 'json_schema'.");
        }
    }

    private static void tools(JsonValue tools, JsonValue choice) {
        if (tools != null && tools != JsonValue.NULL) {
            if (!(tools instanceof JsonArray a)) {
                throw ApiException.badRequest("tools", "`tools` must be an array.");
            }
            for (int i = 0; i < a.size(); i++) {
                if (!(a.get(i) instanceof JsonObject t) || !"function".equals(t.getString("type", null))
                        || !(t.get("function") instanceof JsonObject fn) || !(fn.get("name") instanceof JsonString)) {
                    throw ApiException.badRequest("tools", "tools[" + i + "] must be {\"type\":\"function\","
                            + "\"function\":{\"name\":…}}.");
                }
            }
        }
        if (choice == null || choice == JsonValue.NULL) {
            return;
        }
        if (choice instanceof JsonString s) {
            if (!TOOL_CHOICES.contains(s.getString())) {
                throw ApiException.badRequest("tool_choice", "`tool_choice` must be 'none', 'auto', 'required' or "
                        + "a function choice.");
            }
        } else if (!(choice instanceof JsonObject o) || !(o.get("function") instanceof JsonObject fn)
                || !(fn.get("name") instanceof JsonString)) {
            throw ApiException.badRequest("tool_choice", "`tool_choice` object must be {\"type\":\"function\","
                    + "\"function\":{\"name\":…}}.");
        }
    }
}
