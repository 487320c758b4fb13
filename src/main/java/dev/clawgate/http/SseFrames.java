package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.JsonText;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of one chat completion stream (SPEC §7): every chunk is {@code data: <json>\n\n} with the same
 * {@code id}, {@code created} and {@code model}; the common head of the chunk JSON is built once per stream.
 */
final class SseFrames {
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEEPALIVE = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final String head;
    private final String usageNull;

    SseFrames(String id, long created, String model, boolean includeUsage) {
        this.head = appendHead(new StringBuilder(96 + model.length()).append("data: "), id, "chat.completion.chunk",
                created, model).toString();
        this.usageNull = includeUsage ? ",\"usage\":null" : "";
    }

    /**
     * Appends what every completion object starts with, up to and including {@code "choices":}: {@code id},
     * {@code object}, {@code created}, {@code model} and a null {@code system_fingerprint}.
     */
    static StringBuilder appendHead(StringBuilder b, String id, String object, long created, String model) {
        b.append("{\"id\":");
        JsonText.quote(b, id);
        b.append(",\"object\":\"").append(object).append("\",\"created\":").append(created).append(",\"model\":");
        JsonText.quote(b, model);
        return b.append(",\"system_fingerprint\":null,\"choices\":");
    }

    byte[] role() {
        return choice("{\"role\":\"assistant\"}", null);
    }

    byte[] content(String text) {
        StringBuilder delta = new StringBuilder(text.length() + 16).append("{\"content\":");
        JsonText.quote(delta, text);
        return choice(delta.append('}').toString(), null);
    }

    byte[] toolCall(ToolCallDelta call) {
        StringBuilder delta = new StringBuilder(64).append("{\"tool_calls\":[");
        call.appendJson(delta);
        return choice(delta.append("]}").toString(), null);
    }

    byte[] finish(String reason) {
        return choice("{}", reason);
    }

    byte[] usage(Usage usage) {
        StringBuilder b = new StringBuilder(head.length() + 96).append(head).append("[],\"usage\":");
        usage.appendJson(b);
        return b.append("}\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] error(ApiException e) {
        return ("data: " + e.toJson() + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] choice(String delta, String finishReason) {
        StringBuilder b = new StringBuilder(head.length() + delta.length() + 64).append(head)
                .append("[{\"index\":0,\"delta\":").append(delta).append(",\"logprobs\":null,\"finish_reason\":");
        JsonText.quote(b, finishReason);
        return b.append("}]").append(usageNull).append("}\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }
}
