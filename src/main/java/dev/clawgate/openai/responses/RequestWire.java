package dev.clawgate.openai.responses;

import jakarta.json.JsonValue;
import java.util.Map;

/**
 * The {@code POST /v1/responses} body as JSON-B binds it. Field names are the wire's in camel case
 * ({@link ResponsesJson} maps {@code maxOutputTokens} to {@code max_output_tokens}); a field absent or null in the
 * body is null here. Fields whose JSON shape varies ({@code input}: string or items, {@code content}: string or
 * parts, {@code tool_choice}: string or object, {@code text}) stay JSON-P values and are bound further once their shape is
 * known. Unknown fields are ignored. Plain data: {@link ResponsesRequestParser} validates it.
 */
public final class RequestWire {
    private RequestWire() {
    }

    /** The top-level body. */
    public static final class Body {
        public String model;
        public JsonValue input;
        public String instructions;
        public java.util.List<Tool> tools;
        public JsonValue toolChoice;
        public Boolean parallelToolCalls;
        public Double temperature;
        public Double topP;
        public Long maxOutputTokens;
        public Map<String, String> metadata;
        public String user;
        public Boolean store;
        public Boolean stream;
        public String previousResponseId;
        public Boolean background;
        public JsonValue text;
    }

    /**
     * One item of {@code input}: a message ({@code type} {@code message} or absent, with {@code role} and
     * {@code content}), a {@code function_call} ({@code call_id}, {@code name}, {@code arguments}) or a
     * {@code function_call_output} ({@code call_id}, {@code output}).
     */
    public static final class InputItem {
        public String type;
        public String id;
        public String status;
        public String role;
        public JsonValue content;
        public String callId;
        public String name;
        public String arguments;
        public JsonValue output;
    }

    /** A content part: {@code input_text} / {@code output_text} ({@code text}) or {@code input_image}. */
    public static final class ContentPart {
        public String type;
        public String text;
        public String imageUrl;
        public String detail;
        public String fileId;
    }

    /**
     * A tool as the Responses API declares it, flat: {@code {"type":"function","name","description","parameters",
     * "strict"}}. Bound from requests and echoed in the {@code response} object.
     */
    @jakarta.json.bind.annotation.JsonbPropertyOrder({"type", "name", "description", "parameters", "strict"})
    public static final class Tool {
        public String type;
        public String name;
        public String description;
        public JsonValue parameters;
        public Boolean strict;
    }
}
