package dev.clawgate.openai;

import jakarta.json.JsonObject;

/**
 * The {@code chat.completion.chunk} objects of one stream (SPEC §7): every chunk has the same {@code id},
 * {@code created} and {@code model}, so their common head is built once (and again when the upstream names its
 * {@code system_fingerprint} or {@code service_tier}, {@link #meta}). Each method appends one chunk's JSON to the
 * caller's builder (the SSE framing around it is the caller's). With {@code include_usage} every chunk but the usage
 * chunk carries {@code "usage":null}. Not thread-safe: the stream's writer guards it.
 */
public final class ChunkJson {
    private final String id;
    private final long created;
    private final String model;
    private final String usageNull;
    private String head;

    public ChunkJson(String id, long created, String model, boolean includeUsage) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.usageNull = includeUsage ? ",\"usage\":null" : "";
        meta(ResponseMeta.NONE);
    }

    /** The upstream's {@code system_fingerprint} and {@code service_tier}, carried by every later chunk. */
    public void meta(ResponseMeta meta) {
        this.head = CompletionJson.appendHead(new StringBuilder(96 + model.length()), id, "chat.completion.chunk",
                created, model, meta).toString();
    }

    /** Length of the common head, to size builders. */
    public int headLength() {
        return head.length();
    }

    /** The first chunk of choice 0: {@code {"role":"assistant"}}. */
    public StringBuilder role(StringBuilder b) {
        return role(b, 0);
    }

    /** The first chunk of a choice: {@code {"role":"assistant"}}. */
    public StringBuilder role(StringBuilder b, int index) {
        return choice(b, index, "{\"role\":\"assistant\"}", null, null);
    }

    public StringBuilder content(StringBuilder b, String text) {
        return delta(b, ChoiceDelta.content(0, text));
    }

    /** A piece of the model's reasoning: {@code {"reasoning_content":…}}, as DeepSeek and vLLM stream it. */
    public StringBuilder reasoning(StringBuilder b, String text) {
        return delta(b, ChoiceDelta.reasoning(0, text));
    }

    public StringBuilder toolCall(StringBuilder b, ToolCallDelta call) {
        return delta(b, ChoiceDelta.toolCall(0, call));
    }

    /** A chunk of one choice: its delta and logprobs as the upstream sent them. */
    public StringBuilder delta(StringBuilder b, ChoiceDelta delta) {
        String json = delta.appendDelta(new StringBuilder(64 + (delta.content() == null ? 0
                : delta.content().length()))).toString();
        return choice(b, delta.index(), json, delta.logprobs(), null);
    }

    /** The chunk of choice 0 with an empty delta and the finish reason. */
    public StringBuilder finish(StringBuilder b, String reason) {
        return finish(b, 0, reason);
    }

    /** The chunk of a choice with an empty delta and the finish reason. */
    public StringBuilder finish(StringBuilder b, int index, String reason) {
        return choice(b, index, "{}", null, reason);
    }

    /** The usage chunk of {@code include_usage}: empty {@code choices}. */
    public StringBuilder usage(StringBuilder b, Usage usage) {
        b.append(head).append("[],\"usage\":");
        usage.appendJson(b);
        return b.append('}');
    }

    private StringBuilder choice(StringBuilder b, int index, String delta, JsonObject logprobs, String finishReason) {
        b.append(head).append("[{\"index\":").append(index).append(",\"delta\":").append(delta)
                .append(",\"logprobs\":").append(logprobs == null ? "null" : logprobs.toString())
                .append(",\"finish_reason\":");
        JsonText.quote(b, finishReason);
        return b.append("}]").append(usageNull).append('}');
    }
}
