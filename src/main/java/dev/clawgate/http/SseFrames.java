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
        StringBuilder b = new StringBuilder(96 + model.length());
        b.append("data: {\"id\":");
        JsonText.quote(b, id);
        b.append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created).append(",\"model\":");
        JsonText.quote(b, model);
        b.append(",\"system_fingerprint\":null,\"choices\":");
        this.head = b.toString();
        this.usageNull = includeUsage ? ",\"usage\":null" : "";
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
