package dev.clawgate.openai.responses;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.openai.ChatRequestParser;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates a {@code POST /v1/responses} body into a {@link ResponsesRequest}: JSON-B binds it
 * ({@link RequestWire}), this class checks values and bounds and translates it to the chat request an agent run
 * takes. Every rejection is an {@link ApiException} 400 whose {@code param} names the top-level field at fault
 * ({@code input}, {@code tools}, …); messages never echo the body. Thread-safe; create one and share it.
 *
 * <p>Bounds (each a 400; the body as a whole is bounded by {@code gateway.http.maxBodyBytes}):
 * {@value #MAX_INPUT_ITEMS} input items, {@value InputItems#MAX_CONTENT_PARTS} content parts per message,
 * {@value #MAX_TOOLS} tools, tool names {@code ^[a-zA-Z0-9_-]{1,64}$} as OpenAI requires,
 * {@value #MAX_METADATA_PAIRS} metadata pairs with keys up to {@value #MAX_METADATA_KEY_CHARS} and values up to
 * {@value #MAX_METADATA_VALUE_CHARS} characters, and {@value #MAX_ID_CHARS} characters for {@code model},
 * {@code previous_response_id} and {@code call_id}s, {@value #MAX_USER_CHARS} for {@code user}.
 */
public final class ResponsesRequestParser {
    /** Items in {@code input}. */
    public static final int MAX_INPUT_ITEMS = 2000;
    /** Entries in {@code tools} (OpenAI's own limit). */
    public static final int MAX_TOOLS = 128;
    /** Pairs in {@code metadata} (OpenAI's own limit). */
    public static final int MAX_METADATA_PAIRS = 16;
    public static final int MAX_METADATA_KEY_CHARS = 64;
    public static final int MAX_METADATA_VALUE_CHARS = 512;
    /** Length of {@code model}, {@code previous_response_id} and {@code call_id}s. */
    public static final int MAX_ID_CHARS = 256;
    /** Length of {@code user} (as for chat's session keys). */
    public static final int MAX_USER_CHARS = 512;

    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Set<String> TOOL_CHOICE_MODES = Set.of("none", "auto", "required");

    private final ChatRequestParser json = new ChatRequestParser();

    /** Parses UTF-8 bytes; 400 {@code invalid_json} when they are not a JSON document. */
    public ResponsesRequest parse(byte[] body, int length) {
        if (!(json.readJson(body, length) instanceof JsonObject o)) {
            throw ApiException.badRequest(null, "The request body must be a JSON object.");
        }
        return parse(o);
    }

    public ResponsesRequest parse(JsonObject o) {
        JsonValue m = o.get("metadata");
        if (m != null && m != JsonValue.NULL && !(m instanceof JsonObject)) {
            // checked before binding: Yasson would also take an array of {"key","value"} entries as a map
            throw ApiException.badRequest("metadata", "`metadata` must be an object of string values.");
        }
        RequestWire.Body b = bindBody(o);
        bounded("model", b.model, MAX_ID_CHARS);
        bounded("user", b.user, MAX_USER_CHARS);
        bounded("previous_response_id", b.previousResponseId, MAX_ID_CHARS);
        if (b.previousResponseId != null && b.previousResponseId.isEmpty()) {
            throw ApiException.badRequest("previous_response_id", "`previous_response_id` must not be empty.");
        }
        if (Boolean.TRUE.equals(b.background)) {
            throw ApiException.badRequest("background", "unsupported_value", "`background` mode is not supported.");
        }
        range("temperature", b.temperature, 0, 2);
        range("top_p", b.topP, 0, 1);
        if (b.maxOutputTokens != null && (b.maxOutputTokens <= 0 || b.maxOutputTokens > (1L << 53))) {
            throw ApiException.badRequest("max_output_tokens", "`max_output_tokens` must be a positive integer.");
        }
        metadata(b.metadata);
        List<RequestWire.Tool> tools = tools(b.tools);
        JsonValue toolChoice = toolChoice(b.toolChoice);
        TextFormat text = TextFormat.of(b.text);

        List<ChatMessage> messages = new InputItems().messages(b.instructions, b.input);
        Map<String, JsonValue> params = new LinkedHashMap<>();
        if (b.temperature != null) {
            params.put("temperature", o.get("temperature"));
        }
        if (b.topP != null) {
            params.put("top_p", o.get("top_p"));
        }
        if (b.maxOutputTokens != null) {
            params.put("max_tokens", ResponsesJson.JSONP.createValue(b.maxOutputTokens));
        }
        if (!tools.isEmpty()) {
            params.put("tools", chatTools(tools));
        }
        if (toolChoice != null) {
            params.put("tool_choice", chatToolChoice(toolChoice));
        }
        if (b.parallelToolCalls != null) {
            params.put("parallel_tool_calls", b.parallelToolCalls ? JsonValue.TRUE : JsonValue.FALSE);
        }
        if (text.responseFormat() != null) {
            params.put("response_format", text.responseFormat());
        }
        String user = b.user == null || b.user.isBlank() ? null : b.user;
        ChatRequest chat = new ChatRequest(b.model, messages, Boolean.TRUE.equals(b.stream), true, user,
                b.maxOutputTokens, params);
        return new ResponsesRequest(chat, b.instructions, b.metadata == null ? Map.of() : b.metadata,
                !Boolean.FALSE.equals(b.store), b.previousResponseId, tools,
                toolChoice == null ? ResponsesJson.JSONP.createValue("auto") : toolChoice,
                !Boolean.FALSE.equals(b.parallelToolCalls), b.temperature, b.topP, b.maxOutputTokens, text.echo());
    }

    /** Binds the body; when that fails, binds field by field to name the one at fault. */
    private static RequestWire.Body bindBody(JsonObject o) {
        try {
            return ResponsesJson.bind(o, RequestWire.Body.class);
        } catch (JsonbException e) {
            for (Field f : RequestWire.Body.class.getFields()) {
                String name = snake(f.getName());
                JsonValue v = o.get(name);
                if (v == null || v == JsonValue.NULL) {
                    continue;
                }
                try {
                    ResponsesJson.bind(ResponsesJson.JSONP.createObjectBuilder().add(name, v).build(), RequestWire.Body.class);
                } catch (JsonbException fieldError) {
                    throw ApiException.badRequest(name, "`" + name + "` must be " + describe(f.getGenericType())
                            + ".");
                }
            }
            throw ApiException.badRequest(null, "The request body is not a valid Responses API request.");
        }
    }

    private static String describe(Type t) {
        if (t == String.class) {
            return "a string";
        }
        if (t == Boolean.class) {
            return "a boolean";
        }
        if (t == Long.class) {
            return "an integer";
        }
        if (t == Double.class) {
            return "a number";
        }
        if (t instanceof ParameterizedType p && p.getRawType() == Map.class) {
            return "an object of string values";
        }
        if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
            return "an array of tool objects";
        }
        return "valid JSON";
    }

    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static void bounded(String param, String value, int max) {
        if (value != null && value.length() > max) {
            throw ApiException.badRequest(param, "`" + param + "` must be at most " + max + " characters.");
        }
    }

    private static void range(String param, Double v, double min, double max) {
        if (v != null && !(v >= min && v <= max)) {
            throw ApiException.badRequest(param, "`" + param + "` must be between " + (int) min + " and " + (int) max
                    + ".");
        }
    }

    private static void metadata(Map<String, String> m) {
        if (m == null) {
            return;
        }
        if (m.size() > MAX_METADATA_PAIRS) {
            throw ApiException.badRequest("metadata", "`metadata` can have at most " + MAX_METADATA_PAIRS + " pairs.");
        }
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getKey().length() > MAX_METADATA_KEY_CHARS || e.getValue() == null
                    || e.getValue().length() > MAX_METADATA_VALUE_CHARS) {
                throw ApiException.badRequest("metadata", "`metadata` keys must be at most " + MAX_METADATA_KEY_CHARS
                        + " characters and values strings of at most " + MAX_METADATA_VALUE_CHARS + " characters.");
            }
        }
    }

    private static List<RequestWire.Tool> tools(List<RequestWire.Tool> tools) {
        if (tools == null) {
            return List.of();
        }
        if (tools.size() > MAX_TOOLS) {
            throw ApiException.badRequest("tools", "`tools` can have at most " + MAX_TOOLS + " entries.");
        }
        for (int i = 0; i < tools.size(); i++) {
            RequestWire.Tool t = tools.get(i);
            if (t == null || t.type == null) {
                throw ApiException.badRequest("tools", "tools[" + i + "] must be an object with a string 'type'.");
            }
            if (!t.type.equals("function")) {
                throw ApiException.badRequest("tools", "unsupported_value", "tools[" + i + "] has unsupported type '"
                        + InputItems.truncate(t.type) + "'; only 'function' tools are supported.");
            }
            if (t.name == null || !TOOL_NAME.matcher(t.name).matches()) {
                throw ApiException.badRequest("tools", "tools[" + i + "].name must match ^[a-zA-Z0-9_-]{1,64}$.");
            }
            if (t.parameters != null && t.parameters != JsonValue.NULL && !(t.parameters instanceof JsonObject)) {
                throw ApiException.badRequest("tools", "tools[" + i + "].parameters must be a JSON Schema object.");
            }
        }
        return tools;
    }

    private static JsonValue toolChoice(JsonValue choice) {
        if (choice == null || choice == JsonValue.NULL) {
            return null;
        }
        if (choice instanceof JsonString s && TOOL_CHOICE_MODES.contains(s.getString())) {
            return choice;
        }
        if (choice instanceof JsonObject o && "function".equals(o.getString("type", null))
                && o.get("name") instanceof JsonString name && TOOL_NAME.matcher(name.getString()).matches()) {
            return choice;
        }
        throw ApiException.badRequest("tool_choice", "`tool_choice` must be 'none', 'auto', 'required' or "
                + "{\"type\":\"function\",\"name\":…}.");
    }

    /** Responses' flat function tools as chat's {@code {"type":"function","function":{…}}}. */
    private static JsonValue chatTools(List<RequestWire.Tool> tools) {
        JsonArrayBuilder a = ResponsesJson.JSONP.createArrayBuilder();
        for (RequestWire.Tool t : tools) {
            JsonObjectBuilder fn = ResponsesJson.JSONP.createObjectBuilder().add("name", t.name);
            if (t.description != null) {
                fn.add("description", t.description);
            }
            if (t.parameters != null && t.parameters != JsonValue.NULL) {
                fn.add("parameters", t.parameters);
            }
            if (t.strict != null) {
                fn.add("strict", t.strict);
            }
            a.add(ResponsesJson.JSONP.createObjectBuilder().add("type", "function").add("function", fn));
        }
        return a.build();
    }

    private static JsonValue chatToolChoice(JsonValue choice) {
        if (choice instanceof JsonObject o) {
            return ResponsesJson.JSONP.createObjectBuilder().add("type", "function")
                    .add("function", ResponsesJson.JSONP.createObjectBuilder().add("name", o.getString("name"))).build();
        }
        return choice;
    }
}
