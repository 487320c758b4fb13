package dev.clawgate.openai.responses;

import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The {@code response} object and its parts as JSON-B writes them ({@link ResponsesJson}: snake_case names, nulls
 * written, order fixed). The fields are those OpenAI's SDKs read; the official openai-java client requires
 * {@code id}, {@code created_at}, {@code model}, {@code object}, {@code output}, {@code parallel_tool_calls},
 * {@code tool_choice} and {@code tools}, and the nullable {@code error}, {@code incomplete_details},
 * {@code instructions}, {@code metadata}, {@code temperature} and {@code top_p} are written even when null.
 * Plain data, filled by {@link ResponseBuilder}.
 */
final class ResponseWire {
    private ResponseWire() {
    }

    @JsonbPropertyOrder({"id", "object", "createdAt", "status", "background", "error", "incompleteDetails",
            "instructions", "maxOutputTokens", "model", "output", "outputText", "parallelToolCalls",
            "previousResponseId", "store", "temperature", "text", "toolChoice", "tools", "topP", "truncation", "usage",
            "user", "metadata"})
    public static final class Response {
        public String id;
        public String object = "response";
        public long createdAt;
        public String status;
        public boolean background;
        public Error error;
        public IncompleteDetails incompleteDetails;
        public String instructions;
        public Long maxOutputTokens;
        public String model;
        public List<Object> output;
        public String outputText;
        public boolean parallelToolCalls;
        public String previousResponseId;
        public boolean store;
        public Double temperature;
        /** {@code {"format":{…}}} as the request set it ({@link TextFormat#echo()}). */
        public JsonValue text;
        public JsonValue toolChoice;
        public List<RequestWire.Tool> tools;
        public Double topP;
        public String truncation = "disabled";
        public Usage usage;
        public String user;
        public Map<String, String> metadata;
    }

    @JsonbPropertyOrder({"type", "id", "status", "role", "content"})
    public static final class Message {
        public String type = "message";
        public String id;
        public String status;
        public String role = "assistant";
        public List<OutputText> content;
    }

    @JsonbPropertyOrder({"type", "text", "annotations"})
    public static final class OutputText {
        public String type = "output_text";
        public String text;
        public List<Object> annotations = List.of();

        OutputText(String text) {
            this.text = text;
        }

        public OutputText() {
        }
    }

    @JsonbPropertyOrder({"type", "id", "callId", "name", "arguments", "status"})
    public static final class FunctionCall {
        public String type = "function_call";
        public String id;
        public String callId;
        public String name;
        public String arguments;
        public String status;
    }

    @JsonbPropertyOrder({"inputTokens", "inputTokensDetails", "outputTokens", "outputTokensDetails", "totalTokens"})
    public static final class Usage {
        public long inputTokens;
        public InputTokensDetails inputTokensDetails = new InputTokensDetails();
        public long outputTokens;
        public OutputTokensDetails outputTokensDetails = new OutputTokensDetails();
        public long totalTokens;
    }

    /** {@code cache_write_tokens} is always 0: no upstream reports it through chat completions; the SDK needs it. */
    @JsonbPropertyOrder({"cachedTokens", "cacheWriteTokens"})
    public static final class InputTokensDetails {
        public long cachedTokens;
        public long cacheWriteTokens;
    }

    public static final class OutputTokensDetails {
        public long reasoningTokens;
    }

    @JsonbPropertyOrder({"code", "message"})
    public static final class Error {
        public String code;
        public String message;
    }

    public static final class IncompleteDetails {
        public String reason;
    }
}
