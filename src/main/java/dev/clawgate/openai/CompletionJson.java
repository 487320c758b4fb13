package dev.clawgate.openai;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;

/**
 * The JSON of OpenAI's completion objects, written by hand (no reflection): the non-streaming
 * {@code chat.completion} body and, through {@link ChunkJson}, the {@code chat.completion.chunk} objects of a stream.
 * Both start with the same head ({@link #appendHead}).
 */
public final class CompletionJson {
    private CompletionJson() {
    }

    /**
     * One choice of a non-streaming completion, gathered from its deltas.
     *
     * @param index        the choice's index
     * @param content      the text, or null when the model only called tools
     * @param calls        the tool calls (empty when none)
     * @param fields       the message's other fields, gathered ({@code refusal}, {@code annotations}, ...)
     * @param logprobs     the gathered {@code logprobs}, or null
     * @param finishReason why the choice ended
     */
    public record Choice(int index, String content, List<ToolCall> calls, JsonObject fields, JsonObject logprobs,
                         String finishReason) {
        public Choice {
            calls = List.copyOf(calls);
            fields = fields == null ? JsonValue.EMPTY_JSON_OBJECT : fields;
        }
    }

    /**
     * Appends what every completion object starts with, up to and including {@code "choices":}: {@code id},
     * {@code object}, {@code created}, {@code model} and a null {@code system_fingerprint}.
     */
    public static StringBuilder appendHead(StringBuilder b, String id, String object, long created, String model) {
        return appendHead(b, id, object, created, model, ResponseMeta.NONE);
    }

    /**
     * As {@link #appendHead(StringBuilder, String, String, long, String)}, with the upstream's
     * {@code service_tier} (when it named one) and {@code system_fingerprint}.
     */
    public static StringBuilder appendHead(StringBuilder b, String id, String object, long created, String model,
                                           ResponseMeta meta) {
        b.append("{\"id\":");
        JsonText.quote(b, id);
        b.append(",\"object\":\"").append(object).append("\",\"created\":").append(created).append(",\"model\":");
        JsonText.quote(b, model);
        if (meta.serviceTier() != null) {
            b.append(",\"service_tier\":");
            JsonText.quote(b, meta.serviceTier());
        }
        b.append(",\"system_fingerprint\":");
        JsonText.quote(b, meta.systemFingerprint());
        return b.append(",\"choices\":");
    }

    /** The non-streaming {@code chat.completion} body: one entry per choice, in index order, and the usage. */
    public static String completion(String id, long created, String model, ResponseMeta meta, List<Choice> choices,
                                    Usage usage) {
        int size = 256;
        for (Choice c : choices) {
            size += 128 + (c.content() == null ? 0 : c.content().length());
        }
        StringBuilder b = appendHead(new StringBuilder(size), id, "chat.completion", created, model, meta).append('[');
        for (int i = 0; i < choices.size(); i++) {
            appendChoice(i == 0 ? b : b.append(','), choices.get(i));
        }
        b.append("],\"usage\":");
        usage.appendJson(b);
        return b.append('}').toString();
    }

    /** One choice for a message without tool calls or other fields (tests, simple callers). */
    public static String completion(String id, long created, String model, String content, List<ToolCall> calls,
                                    String finishReason, Usage usage) {
        return completion(id, created, model, ResponseMeta.NONE,
                List.of(new Choice(0, content, calls, null, null, finishReason)), usage);
    }

    private static void appendChoice(StringBuilder b, Choice c) {
        b.append("{\"index\":").append(c.index()).append(",\"message\":{\"role\":\"assistant\",\"content\":");
        JsonText.quote(b, c.content());
        ToolCall.appendField(b, c.calls());
        JsonValue refusal = c.fields().get("refusal");
        b.append(",\"refusal\":").append(refusal instanceof JsonString ? refusal.toString() : "null");
        for (Map.Entry<String, JsonValue> e : c.fields().entrySet()) {
            if (!e.getKey().equals("refusal")) {
                b.append(',');
                JsonText.quote(b, e.getKey()).append(':').append(e.getValue().toString());
            }
        }
        b.append("},\"logprobs\":").append(c.logprobs() == null ? "null" : c.logprobs().toString())
                .append(",\"finish_reason\":");
        JsonText.quote(b, c.finishReason());
        b.append('}');
    }
}
