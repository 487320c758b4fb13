package dev.clawgate.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates a chat completions body into a {@link ChatRequest}. Every rejection is an
 * {@link ApiException} 400 whose {@code param} names the field at fault; the message never echoes the body. The
 * gateway owns {@code model}, {@code messages}, {@code stream} and {@code stream_options}; every other top-level field
 * is passed to the upstream as sent ({@link PassThrough}). Each field and header is bounded by the
 * {@link RequestLimits} given at construction. Thread-safe; create one and share it.
 */
public final class ChatRequestParser {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private final JsonReaderFactory readers = JsonProvider.provider().createReaderFactory(Map.of());
    private final RequestLimits limits;

    /** A parser with the documented default bounds ({@link RequestLimits#DEFAULTS}). */
    public ChatRequestParser() {
        this(RequestLimits.DEFAULTS);
    }

    public ChatRequestParser(RequestLimits limits) {
        this.limits = limits;
    }

    /** Reads one JSON value from UTF-8 bytes; 400 when it is not well-formed JSON. */
    public JsonValue readJson(byte[] body, int length) {
        JsonValue value;
        // decoding to a String first is cheaper than the reader's own InputStreamReader (fresh 8 KB buffers per call)
        try (JsonReader reader = readers.createReader(new StringReader(
                new String(body, 0, length, java.nio.charset.StandardCharsets.UTF_8)))) {
            value = reader.readValue();
        } catch (RuntimeException e) {
            // JsonException; Parsson's plain RuntimeException past 1,000 levels of nesting; and a number it cannot
            // hold (an exponent past int range: 1e99999999999), reported as a NumberFormatException
            throw ApiException.badRequest(null, "invalid_json",
                    "We could not parse the JSON body of your request. Send a JSON object with Content-Type: "
                            + "application/json.");
        }
        if (LoneSurrogates.anywhere(value)) {
            throw ApiException.badRequest(null, "invalid_json", "The JSON body of your request has a \\u escape "
                    + "of half a UTF-16 surrogate pair (\\uD800-\\uDFFF without its other half), which is not "
                    + "text.");
        }
        return value;
    }

    public ChatRequest parse(byte[] body, int length) {
        if (!(readJson(body, length) instanceof JsonObject o)) {
            throw ApiException.badRequest(null, "The request body must be a JSON object.");
        }
        return parse(o);
    }

    public ChatRequest parse(JsonObject o) {
        String model = optionalString(o, "model");
        tooLong("model", model, limits.maxModelChars(), "gateway.http.maxModelChars");
        String user = optionalString(o, "user");
        tooLong("user", user, limits.maxUserChars(), "gateway.http.maxUserChars");
        if (user != null && user.isBlank()) {
            user = null;
        }
        boolean stream = optionalBoolean(o, "stream");
        boolean includeUsage = false;
        JsonValue options = o.get("stream_options");
        if (options != null && options != JsonValue.NULL) {
            if (!(options instanceof JsonObject opts)) {
                throw ApiException.badRequest("stream_options", "`stream_options` must be an object.");
            }
            JsonValue iu = opts.get("include_usage");
            if (iu != null && iu != JsonValue.NULL && iu != JsonValue.TRUE && iu != JsonValue.FALSE) {
                throw ApiException.badRequest("stream_options.include_usage", "`include_usage` must be a boolean.");
            }
            includeUsage = iu == JsonValue.TRUE;
        }
        JsonValue messages = o.get("messages");
        if (messages instanceof JsonArray a && a.size() > limits.maxMessages()) {
            throw ApiException.badRequest("messages", "array_above_max_length", "`messages` has " + a.size()
                    + " entries; at most " + limits.maxMessages() + " are accepted (gateway.http.maxMessages).");
        }
        Map<String, JsonValue> params = PassThrough.collect(o, limits.maxPassThroughBytes());
        int choices = PassThrough.choices(params, limits.maxChoices());
        Long maxTokens = PassThrough.maxTokens(params);
        return new ChatRequest(model, messages(messages, limits.maxContentParts()), stream, includeUsage, user,
                maxTokens, params, choices);
    }

    /**
     * Checks the value of a request header the gateway reads ({@code x-openclaw-session-key},
     * {@code x-openclaw-agent-id}): 400 with {@code param} the header's name when it is longer than
     * {@link RequestLimits#maxHeaderChars()}.
     */
    public void checkHeader(String name, String value) {
        tooLong(name, value, limits.maxHeaderChars(), "gateway.http.maxHeaderChars");
    }

    private static void tooLong(String param, String value, int max, String key) {
        if (value != null && value.length() > max) {
            throw ApiException.badRequest(param, "string_above_max_length", "`" + param + "` is longer than "
                    + max + " characters (" + key + ").");
        }
    }

    /** Parses a {@code messages} array without bounds: reads stored transcripts back. */
    public List<ChatMessage> messages(JsonValue value) {
        return messages(value, Integer.MAX_VALUE);
    }

    private List<ChatMessage> messages(JsonValue value, int maxParts) {
        if (value == null || value == JsonValue.NULL) {
            throw ApiException.badRequest("messages", "Missing required parameter: 'messages'.");
        }
        if (!(value instanceof JsonArray array)) {
            throw ApiException.badRequest("messages", "`messages` must be an array of message objects.");
        }
        if (array.isEmpty()) {
            throw ApiException.badRequest("messages", "`messages` must contain at least one message.");
        }
        List<ChatMessage> out = new ArrayList<>(array.size());
        boolean userOrTool = false;
        for (int i = 0; i < array.size(); i++) {
            ChatMessage m = message(array.get(i), i, maxParts);
            userOrTool |= m.role().equals("user") || m.role().equals("tool");
            out.add(m);
        }
        if (!userOrTool) {
            throw ApiException.badRequest("messages", "Missing user message in `messages`.");
        }
        return out;
    }

    private ChatMessage message(JsonValue value, int i, int maxParts) {
        String at = "messages[" + i + "]";
        if (!(value instanceof JsonObject m)) {
            throw ApiException.badRequest("messages", at + " must be an object.");
        }
        if (!(m.get("role") instanceof JsonString roleValue) || !ROLES.contains(roleValue.getString())) {
            throw ApiException.badRequest("messages", at + ".role must be one of 'system', 'developer', 'user', "
                    + "'assistant', 'tool'.");
        }
        String role = roleValue.getString();
        JsonValue content = m.get("content");
        content = content == null ? JsonValue.NULL : content;
        List<ToolCall> toolCalls = role.equals("assistant") ? toolCalls(m.get("tool_calls"), at) : List.of();
        if (content == JsonValue.NULL) {
            if (!role.equals("assistant")) {
                throw ApiException.badRequest("messages", at + ".content is required for role '" + role + "'.");
            }
        } else if (content instanceof JsonArray parts) {
            if (parts.size() > maxParts) {
                throw ApiException.badRequest("messages", "array_above_max_length", at + ".content has "
                        + parts.size() + " parts; at most " + maxParts + " are accepted (gateway.http.maxContentParts).");
            }
            for (int p = 0; p < parts.size(); p++) {
                part(parts.get(p), at + ".content[" + p + "]");
            }
        } else if (!(content instanceof JsonString)) {
            throw ApiException.badRequest("messages", at + ".content must be a string or an array of content parts.");
        }
        String toolCallId = null;
        if (role.equals("tool")) {
            if (!(m.get("tool_call_id") instanceof JsonString id) || id.getString().isEmpty()) {
                throw ApiException.badRequest("messages", at + ".tool_call_id is required for role 'tool'.");
            }
            toolCallId = id.getString();
        }
        JsonValue name = m.get("name");
        if (name != null && name != JsonValue.NULL && !(name instanceof JsonString)) {
            throw ApiException.badRequest("messages", at + ".name must be a string.");
        }
        return new ChatMessage(role, content, name instanceof JsonString s ? s.getString() : null, toolCallId,
                toolCalls);
    }

    private static void part(JsonValue value, String at) {
        if (!(value instanceof JsonObject part) || !(part.get("type") instanceof JsonString type)) {
            throw ApiException.badRequest("messages", at + " must be an object with a string 'type'.");
        }
        switch (type.getString()) {
            case "text" -> {
                if (!(part.get("text") instanceof JsonString)) {
                    throw ApiException.badRequest("messages", at + ".text must be a string.");
                }
            }
            case "image_url" -> {
                JsonValue url = part.get("image_url");
                boolean ok = url instanceof JsonString
                        || url instanceof JsonObject u && u.get("url") instanceof JsonString;
                if (!ok) {
                    throw ApiException.badRequest("messages", at + ".image_url must be a URL string or {\"url\": …}.");
                }
            }
            default -> throw ApiException.badRequest("messages", at + " has unsupported content part type '"
                    + truncate(type.getString()) + "'; supported: 'text', 'image_url'.");
        }
    }

    private static List<ToolCall> toolCalls(JsonValue value, String at) {
        if (value == null || value == JsonValue.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray calls)) {
            throw ApiException.badRequest("messages", at + ".tool_calls must be an array.");
        }
        List<ToolCall> out = new ArrayList<>(calls.size());
        for (int c = 0; c < calls.size(); c++) {
            String here = at + ".tool_calls[" + c + "]";
            if (!(calls.get(c) instanceof JsonObject call) || !(call.get("id") instanceof JsonString id)
                    || !(call.get("function") instanceof JsonObject fn) || !(fn.get("name") instanceof JsonString name)) {
                throw ApiException.badRequest("messages", here + " must have a string 'id' and 'function.name'.");
            }
            JsonValue args = fn.get("arguments");
            if (args != null && args != JsonValue.NULL && !(args instanceof JsonString)) {
                throw ApiException.badRequest("messages", here + ".function.arguments must be a JSON string.");
            }
            out.add(new ToolCall(id.getString(), name.getString(),
                    args instanceof JsonString a ? a.getString() : "{}"));
        }
        return out;
    }

    private static String optionalString(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw ApiException.badRequest(field, "`" + field + "` must be a string.");
        }
        return s.getString();
    }

    private static boolean optionalBoolean(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL || v == JsonValue.FALSE) {
            return false;
        }
        if (v == JsonValue.TRUE) {
            return true;
        }
        throw ApiException.badRequest(field, "`" + field + "` must be a boolean.");
    }

    static String truncate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
