package dev.clawgate.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed bytes the bench upstream answers: a chat completion, or its stream (role chunk, one content chunk per
 * word, finish chunk, {@code [DONE]}). The text is {@code echo: <words>} so both paths carry the same payload as the
 * gateway's echo agent.
 */
final class Replies {
    private Replies() {
    }

    static byte[] completion(String text) {
        return ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text
                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + words(text).size()
                + ",\"completion_tokens\":" + words(text).size() + ",\"total_tokens\":" + 2 * words(text).size()
                + "}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Every SSE frame of the stream, in order; frame 0 is the role chunk, the last is {@code [DONE]}. */
    static List<byte[]> streamFrames(String text) {
        List<byte[]> out = new ArrayList<>();
        out.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
        for (String w : words(text)) {
            out.add(chunk("{\"content\":\"" + w + "\"}", null));
        }
        out.add(chunk("{}", "\"stop\""));
        out.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /**
     * A stream of {@code n} content chunks of one short word each (role chunk first, then finish and
     * {@code [DONE]}), shaped like a real model server's: {@code id}, {@code created}, {@code model},
     * {@code system_fingerprint}, and per choice {@code index}, {@code delta}, {@code logprobs} and
     * {@code finish_reason}.
     */
    static List<byte[]> longStreamFrames(int n) {
        List<byte[]> out = new ArrayList<>();
        out.add(realChunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
        for (int i = 0; i < n; i++) {
            out.add(realChunk("{\"content\":\" w" + (i % 100) + "\"}", "null"));
        }
        out.add(realChunk("{}", "\"stop\""));
        out.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private static byte[] realChunk(String delta, String finish) {
        return ("data: {\"id\":\"chatcmpl-bench-long\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"long\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] chunk(String delta, String finish) {
        return ("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish
                + "}]}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Splits like the echo model: each word after the first keeps its leading space. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }
}
