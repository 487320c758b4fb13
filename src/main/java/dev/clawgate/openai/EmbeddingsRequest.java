package dev.clawgate.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Set;

/**
 * A validated {@code POST /v1/embeddings} body.
 *
 * @param model          {@code model} as sent (names the agent, as for chat), or null
 * @param input          {@code input}: a non-empty string, or an array of at most {@value #MAX_INPUTS} non-empty
 *                       strings, or a non-empty array of token ids, or an array of at most {@value #MAX_INPUTS}
 *                       non-empty token-id arrays
 * @param encodingFormat {@code float} or {@code base64}, or null
 * @param dimensions     a positive {@code dimensions}, or null
 * @param user           {@code user}, or null
 */
public record EmbeddingsRequest(String model, JsonValue input, String encodingFormat, Long dimensions, String user) {
    /** Most inputs in one request, as OpenAI allows. */
    public static final int MAX_INPUTS = 2048;
    private static final Set<String> FORMATS = Set.of("float", "base64");

    /** The model string to echo in the reply: as sent, or {@code openclaw} when absent. */
    public String echoModel() {
        return model == null ? "openclaw" : model;
    }

    /**
     * Validates a parsed body; every rejection is a 400 naming the field.
     *
     * @throws ApiException 400 {@code invalid_request_error}
     */
    public static EmbeddingsRequest parse(JsonValue body) {
        if (!(body instanceof JsonObject o)) {
            throw ApiException.badRequest(null, "The request body must be a JSON object.");
        }
        String model = string(o, "model");
        String user = string(o, "user");
        String format = string(o, "encoding_format");
        if (format != null && !FORMATS.contains(format)) {
            throw ApiException.badRequest("encoding_format", "`encoding_format` must be 'float' or 'base64'.");
        }
        Long dimensions = null;
        JsonValue d = o.get("dimensions");
        if (d != null && d != JsonValue.NULL) {
            if (!(d instanceof JsonNumber n) || !n.isIntegral() || n.bigIntegerValue().signum() <= 0
                    || n.bigIntegerValue().bitLength() > 20) {
                throw ApiException.badRequest("dimensions", "`dimensions` must be a positive integer (at most "
                        + "1048575).");
            }
            dimensions = n.longValue();
        }
        JsonValue input = o.get("input");
        checkInput(input);
        return new EmbeddingsRequest(model, input, format, dimensions, user == null || user.isBlank() ? null : user);
    }

    private static void checkInput(JsonValue input) {
        if (input == null || input == JsonValue.NULL) {
            throw ApiException.badRequest("input", "Missing required parameter: 'input'.");
        }
        if (input instanceof JsonString s) {
            if (s.getString().isEmpty()) {
                throw ApiException.badRequest("input", "`input` must not be empty.");
            }
            return;
        }
        if (!(input instanceof JsonArray a) || a.isEmpty()) {
            throw ApiException.badRequest("input", "`input` must be a string, an array of strings, an array of "
                    + "token ids or an array of token-id arrays, and not empty.");
        }
        if (a.size() > MAX_INPUTS) {
            throw ApiException.badRequest("input", "`input` holds more than " + MAX_INPUTS + " items.");
        }
        JsonValue first = a.get(0);
        for (JsonValue item : a) {
            boolean ok = first instanceof JsonString ? item instanceof JsonString s && !s.getString().isEmpty()
                    : first instanceof JsonNumber ? tokenId(item)
                    : first instanceof JsonArray && item instanceof JsonArray tokens && !tokens.isEmpty()
                            && tokens.stream().allMatch(EmbeddingsRequest::tokenId);
            if (!ok) {
                throw ApiException.badRequest("input", "`input` items must all be non-empty strings, all token "
                        + "ids (non-negative integers) or all non-empty arrays of token ids.");
            }
        }
    }

    private static boolean tokenId(JsonValue v) {
        return v instanceof JsonNumber n && n.isIntegral() && n.bigIntegerValue().signum() >= 0
                && n.bigIntegerValue().bitLength() <= 31;
    }

    private static String string(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw ApiException.badRequest(field, "`" + field + "` must be a string.");
        }
        return s.getString();
    }
}
