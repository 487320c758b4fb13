package dev.clawgate.openai;

import java.util.List;

/**
 * The JSON of OpenAI's completion objects, written by hand (no reflection): the non-streaming
 * {@code chat.completion} body and, through {@link ChunkJson}, the {@code chat.completion.chunk} objects of a stream.
 * Both start with the same head ({@link #appendHead}).
 */
public final class CompletionJson {
    private CompletionJson() {
    }

    /**
     * Appends what every completion object starts with, up to and including {@code "choices":}: {@code id},
     * {@code object}, {@code created}, {@code model} and a null {@code system_fingerprint}.
     */
    public static StringBuilder appendHead(StringBuilder b, String id, String object, long created, String model) {
        b.append("{\"id\":");
        JsonText.quote(b, id);
        b.append(",\"object\":\"").append(object).append("\",\"created\":").append(created).append(",\"model\":");
        JsonText.quote(b, model);
        return b.append(",\"system_fingerprint\":null,\"choices\":");
    }

    /**
     * The non-streaming {@code chat.completion} body: one choice with the assistant message, its finish reason, and
     * the usage.
     *
     * @param content the text, or null when the model only called tools
     */
    public static String completion(String id, long created, String model, String content, List<ToolCall> calls,
                                    String finishReason, Usage usage) {
        StringBuilder b = appendHead(new StringBuilder(256 + (content == null ? 0 : content.length())), id,
                "chat.completion", created, model)
                .append("[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
        JsonText.quote(b, content);
        ToolCall.appendField(b, calls);
        b.append(",\"refusal\":null},\"logprobs\":null,\"finish_reason\":");
        JsonText.quote(b, finishReason);
        b.append("}],\"usage\":");
        usage.appendJson(b);
        return b.append('}').toString();
    }
}
