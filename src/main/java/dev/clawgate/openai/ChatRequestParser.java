package dev.clawgate.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates a chat completions body into a {@link ChatRequest}. Every rejection is an
 * {@link ApiException} 400 whose {@code param} names the field at fault; the message never echoes the body.
 * Thread-safe; create one and share it.
 */
public final class ChatRequestParser {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final Set<String> PASSED_THROUGH = Set.of("temperature", "top_p", "max_tokens",
            "max_completion_tokens", "stop", "seed", "response_format", "presence_penalty", "frequency_penalty",
            "tools", "tool_choice", "parallel_tool_calls");
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");

    private final JsonReaderFactory readers = JsonProvider.provider().createReaderFactory(Map.of());

    /** Reads one JSON value from UTF-8 bytes; 400 when it is not well-formed JSON. */
    public JsonValue readJson(byte[] body, int length) {
        JsonValue value;
        // decoding to a String first is cheaper than the reader's own InputStreamReader (fresh 8 KB buffers per call)
        try (JsonReader reader = readers.createReader(new StringReader(
                new String(body, 0, length, java.nio.charset.StandardCharsets.UTF_8)))) {
            value = reader.readValue();
        } catch (JsonException | NumberFormatException | ArithmeticException e) {
            // Parsson reports a number it cannot hold (an exponent past int range: 1e99999999999) as a
            // NumberFormatException, not a JsonException
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
        String user = optionalString(o, "user");
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
        JsonValue n = o.get("n");
        if (n != null && n != JsonValue.NULL && !(n instanceof JsonNumber num && num.isIntegral() && num.longValue() == 1)) {
            throw ApiException.badRequest("n", "Only `n` = 1 is supported.");
        }
        Map<String, JsonValue> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : o.entrySet()) {
            if (PASSED_THROUGH.contains(e.getKey()) && e.getValue() != JsonValue.NULL) {
                params.put(e.getKey(), e.getValue());
            }
        }
        range(params, "temperature", 0, 2, "`temperature` must be between 0 and 2.");
        range(params, "top_p", 0, 1, "`top_p` must be between 0 and 1.");
        range(params, "presence_penalty", -2, 2, "`presence_penalty` must be between -2.0 and 2.0.");
        range(params, "frequency_penalty", -2, 2, "`frequency_penalty` must be between -2.0 and 2.0.");
        Long maxTokens = positiveInt(params, "max_tokens");
        Long maxCompletion = positiveInt(params, "max_completion_tokens");
        if (params.containsKey("seed") && !(params.get("seed") instanceof JsonNumber s && s.isIntegral())) {
            throw ApiException.badRequest("seed", "`seed` must be an integer.");
        }
        stop(params.get("stop"));
        responseFormat(params.get("response_format"));
        tools(params.get("tools"), params.get("tool_choice"));
        JsonValue parallel = params.get("parallel_tool_calls");
        if (parallel != null && parallel != JsonValue.TRUE && parallel != JsonValue.FALSE) {
            throw ApiException.badRequest("parallel_tool_calls", "`parallel_tool_calls` must be a boolean.");
        }
        List<ChatMessage> messages = messages(o.get("messages"));
        return new ChatRequest(model, messages, stream, includeUsage, user,
                maxCompletion != null ? maxCompletion : maxTokens, params);
    }

    /** Parses the {@code messages} array; also used to read stored transcripts back. */
    public List<ChatMessage> messages(JsonValue value) {
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
            ChatMessage m = message(array.get(i), i);
            userOrTool |= m.role().equals("user") || m.role().equals("tool");
            out.add(m);
        }
        if (!userOrTool) {
            throw ApiException.badRequest("messages", "Missing user message in `messages`.");
        }
        return out;
    }

    private ChatMessage message(JsonValue value, int i) {
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

    private static void range(Map<String, JsonValue> params, String field, double min, double max, String message) {
        JsonValue v = params.get(field);
        if (v == null) {
            return;
        }
        if (!(v instanceof JsonNumber n)) {
            throw ApiException.badRequest(field, "`" + field + "` must be a number.");
        }
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) {
            throw ApiException.badRequest(field, message);
        }
    }

    private static Long positiveInt(Map<String, JsonValue> params, String field) {
        JsonValue v = params.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonNumber n) || !n.isIntegral() || n.bigIntegerValue().signum() <= 0
                || n.bigIntegerValue().bitLength() > 53) {
            throw ApiException.badRequest(field, "`" + field + "` must be a positive integer.");
        }
        return n.longValue();
    }

    private static void stop(JsonValue v) {
        if (v == null || v instanceof JsonString) {
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
        if (v == null) {
            return;
        }
        if (!(v instanceof JsonObject o) || !(o.get("type") instanceof JsonString t)
                || !RESPONSE_FORMATS.contains(t.getString())) {
            throw ApiException.badRequest("response_format",
                    "`response_format.type` must be 'text', 'json_object' or 'json_schema'.");
        }
    }

    private static void tools(JsonValue tools, JsonValue choice) {
        if (tools != null) {
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
        if (choice == null) {
            return;
        }
        if (choice instanceof JsonString s) {
            if (!Set.of("none", "auto", "required").contains(s.getString())) {
                throw ApiException.badRequest("tool_choice", "`tool_choice` must be 'none', 'auto', 'required' or "
                        + "a function choice.");
            }
        } else if (!(choice instanceof JsonObject o) || !(o.get("function") instanceof JsonObject fn)
                || !(fn.get("name") instanceof JsonString)) {
            throw ApiException.badRequest("tool_choice", "`tool_choice` object must be {\"type\":\"function\","
                    + "\"function\":{\"name\":…}}.");
        }
    }

    private static String truncate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
