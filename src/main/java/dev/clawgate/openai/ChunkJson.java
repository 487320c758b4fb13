package dev.clawgate.openai;

/**
 * The {@code chat.completion.chunk} objects of one stream (SPEC §7): every chunk has the same {@code id},
 * {@code created} and {@code model}, so their common head is built once. Each method appends one chunk's JSON to the
 * caller's builder (the SSE framing around it is the caller's). With {@code include_usage} every chunk but the usage
 * chunk carries {@code "usage":null}.
 */
public final class ChunkJson {
    private final String head;
    private final String usageNull;

    public ChunkJson(String id, long created, String model, boolean includeUsage) {
        this.head = CompletionJson.appendHead(new StringBuilder(96 + model.length()), id, "chat.completion.chunk",
                created, model).toString();
        this.usageNull = includeUsage ? ",\"usage\":null" : "";
    }

    /** Length of the common head, to size builders. */
    public int headLength() {
        return head.length();
    }

    /** The first chunk: {@code {"role":"assistant"}}. */
    public StringBuilder role(StringBuilder b) {
        return choice(b, "{\"role\":\"assistant\"}", null);
    }

    public StringBuilder content(StringBuilder b, String text) {
        StringBuilder delta = new StringBuilder(text.length() + 16).append("{\"content\":");
        JsonText.quote(delta, text);
        return choice(b, delta.append('}').toString(), null);
    }

    /** A chunk of {@code {"reasoning_content":…}}: progress the gateway shows while it runs tools. */
    public StringBuilder reasoning(StringBuilder b, String text) {
        StringBuilder delta = new StringBuilder(text.length() + 26).append("{\"reasoning_content\":");
        JsonText.quote(delta, text);
        return choice(b, delta.append('}').toString(), null);
    }

    public StringBuilder toolCall(StringBuilder b, ToolCallDelta call) {
        StringBuilder delta = new StringBuilder(64).append("{\"tool_calls\":[");
        call.appendJson(delta);
        return choice(b, delta.append("]}").toString(), null);
    }

    /** The chunk with an empty delta and the finish reason. */
    public StringBuilder finish(StringBuilder b, String reason) {
        return choice(b, "{}", reason);
    }

    /** The usage chunk of {@code include_usage}: empty {@code choices}. */
    public StringBuilder usage(StringBuilder b, Usage usage) {
        b.append(head).append("[],\"usage\":");
        usage.appendJson(b);
        return b.append('}');
    }

    private StringBuilder choice(StringBuilder b, String delta, String finishReason) {
        b.append(head).append("[{\"index\":0,\"delta\":").append(delta).append(",\"logprobs\":null,\"finish_reason\":");
        JsonText.quote(b, finishReason);
        return b.append("}]").append(usageNull).append('}');
    }
}
