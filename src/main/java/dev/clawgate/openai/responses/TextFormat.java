package dev.clawgate.openai.responses;

import dev.clawgate.openai.ApiException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.regex.Pattern;

/**
 * The request's {@code text} setting ({@code {"format":{…}}}) and its chat completions form, {@code response_format}:
 * <ul>
 *   <li>absent, null or {@code {"type":"text"}} → no {@code response_format} (plain text, the default);</li>
 *   <li>{@code {"type":"json_object"}} → {@code {"type":"json_object"}};</li>
 *   <li>{@code {"type":"json_schema","name","schema"[,"description"][,"strict"]}} →
 *       {@code {"type":"json_schema","json_schema":{"name","schema"[,"description"][,"strict"]}}}.</li>
 * </ul>
 * Anything else is a 400 with {@code param} {@code text}. The response object echoes {@link #echo()}: the format as
 * normalised here ({@code verbosity} and unknown members are dropped). Whether the model honours the format is the
 * upstream's business; the built-in echo model ignores it.
 *
 * @param echo           {@code {"format":{…}}} for the response object
 * @param responseFormat chat's {@code response_format}, or null for plain text
 */
record TextFormat(JsonObject echo, JsonValue responseFormat) {
    /** OpenAI's rule for a schema name. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final String TYPES = "'text', 'json_object' or 'json_schema'";

    static final TextFormat PLAIN = new TextFormat(ResponsesJson.JSONP.createObjectBuilder()
            .add("format", ResponsesJson.JSONP.createObjectBuilder().add("type", "text")).build(), null);

    /** Validates and translates {@code text} as sent (null when absent). */
    static TextFormat of(JsonValue text) {
        if (text == null || text == JsonValue.NULL) {
            return PLAIN;
        }
        if (!(text instanceof JsonObject o)) {
            throw ApiException.badRequest("text", "`text` must be an object such as {\"format\":{\"type\":\"text\"}}.");
        }
        JsonValue format = o.get("format");
        if (format == null || format == JsonValue.NULL) {
            return PLAIN;
        }
        if (!(format instanceof JsonObject f) || !(f.get("type") instanceof JsonString type)) {
            throw ApiException.badRequest("text", "`text.format` must be an object with a 'type' of " + TYPES + ".");
        }
        return switch (type.getString()) {
            case "text" -> PLAIN;
            case "json_object" -> {
                JsonObject json = ResponsesJson.JSONP.createObjectBuilder().add("type", "json_object").build();
                yield new TextFormat(wrap(json), json);
            }
            case "json_schema" -> jsonSchema(f);
            default -> throw ApiException.badRequest("text", "unsupported_value", "`text.format.type` must be "
                    + TYPES + ".");
        };
    }

    private static TextFormat jsonSchema(JsonObject f) {
        if (!(f.get("name") instanceof JsonString name) || !NAME.matcher(name.getString()).matches()) {
            throw ApiException.badRequest("text", "`text.format.name` is required for 'json_schema' and must match "
                    + "^[a-zA-Z0-9_-]{1,64}$.");
        }
        if (!(f.get("schema") instanceof JsonObject schema)) {
            throw ApiException.badRequest("text", "`text.format.schema` is required for 'json_schema' and must be "
                    + "a JSON Schema object.");
        }
        JsonValue description = f.get("description");
        if (description != null && description != JsonValue.NULL && !(description instanceof JsonString)) {
            throw ApiException.badRequest("text", "`text.format.description` must be a string.");
        }
        JsonValue strict = f.get("strict");
        if (strict != null && strict != JsonValue.NULL && strict != JsonValue.TRUE && strict != JsonValue.FALSE) {
            throw ApiException.badRequest("text", "`text.format.strict` must be a boolean.");
        }
        JsonObjectBuilder chat = ResponsesJson.JSONP.createObjectBuilder().add("name", name);
        JsonObjectBuilder echo = ResponsesJson.JSONP.createObjectBuilder().add("type", "json_schema")
                .add("name", name);
        if (description instanceof JsonString) {
            chat.add("description", description);
            echo.add("description", description);
        }
        chat.add("schema", schema);
        echo.add("schema", schema);
        if (strict == JsonValue.TRUE || strict == JsonValue.FALSE) {
            chat.add("strict", strict);
            echo.add("strict", strict);
        }
        JsonObject responseFormat = ResponsesJson.JSONP.createObjectBuilder().add("type", "json_schema")
                .add("json_schema", chat).build();
        return new TextFormat(wrap(echo.build()), responseFormat);
    }

    private static JsonObject wrap(JsonObject format) {
        return ResponsesJson.JSONP.createObjectBuilder().add("format", format).build();
    }
}
