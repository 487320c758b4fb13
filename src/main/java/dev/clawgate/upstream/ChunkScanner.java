package dev.clawgate.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the common shape of a {@code chat.completion.chunk} straight from its UTF-8 bytes, without building a JSON
 * tree: the chunk's {@code system_fingerprint} and {@code service_tier}, and per choice its {@code index},
 * {@code delta.content}, {@code delta.reasoning_content} / {@code delta.reasoning} and {@code finish_reason}; every
 * other member is skipped (top level and choice) or must be {@code null} (the delta's other members,
 * {@code logprobs}, {@code usage}, {@code error}). Anything else — tool calls, logprobs, usage, an error, a value of
 * an unexpected type, a repeated member it reads, an escaped member name, a number with an exponent, JSON it is not
 * sure of — makes {@link #scan} return false, and the caller reads the chunk as a JSON-P tree instead
 * ({@link ChunkDecoder}). So it only has to be right about what it accepts, which is strict JSON. Not thread-safe:
 * one per decoder.
 */
final class ChunkScanner extends JsonCursor {
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] SYSTEM_FINGERPRINT = ascii("system_fingerprint");
    private static final byte[] SERVICE_TIER = ascii("service_tier");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] INDEX = ascii("index");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] LOGPROBS = ascii("logprobs");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] ROLE = ascii("role");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
    private static final byte[] REASONING = ascii("reasoning");
    /** The chunk's {@code system_fingerprint} / {@code service_tier}, or null. */
    String fingerprint;
    String serviceTier;
    /** Choices read, in order; for each: index, whether it had a delta object, its pieces (null when absent). */
    int count;
    int[] index = new int[2];
    boolean[] hasDelta = new boolean[2];
    String[] content = new String[2];
    String[] reasoning = new String[2];
    String[] finishReason = new String[2];

    /** Reads {@code bytes[from, to)}; false when the chunk is not of the common shape (the results are then void). */
    boolean scan(byte[] bytes, int from, int to) {
        reset(bytes, from, to);
        count = 0;
        fingerprint = null;
        serviceTier = null;
        try {
            topLevel();
            return atEnd();
        } catch (RuntimeException e) { // GIVE_UP; anything else would be a bug here, and the tree decides then too
            return false;
        } finally {
            release();
        }
    }

    private void topLevel() {
        expect('{');
        boolean choices = false;
        boolean fp = false;
        boolean tier = false;
        if (member('}')) {
            do {
                if (is(CHOICES)) {
                    choices = once(choices);
                    if (!literalNull()) {
                        choices();
                    }
                } else if (is(SYSTEM_FINGERPRINT)) {
                    fp = once(fp);
                    fingerprint = stringOrNull();
                } else if (is(SERVICE_TIER)) {
                    tier = once(tier);
                    serviceTier = stringOrNull();
                } else if (is(USAGE) || is(ERROR)) {
                    onlyNull();
                } else {
                    skipValue(0);
                }
            } while (next('}'));
        }
    }

    private void choices() {
        expect('[');
        ws();
        if (take(']')) {
            return;
        }
        do {
            ws();
            choice();
            ws();
        } while (separator(']'));
    }

    private void choice() {
        if (count == index.length) {
            int n = count * 2;
            index = Arrays.copyOf(index, n);
            hasDelta = Arrays.copyOf(hasDelta, n);
            content = Arrays.copyOf(content, n);
            reasoning = Arrays.copyOf(reasoning, n);
            finishReason = Arrays.copyOf(finishReason, n);
        }
        int i = count++;
        index[i] = 0;
        hasDelta[i] = false;
        content[i] = null;
        reasoning[i] = null;
        finishReason[i] = null;
        expect('{');
        boolean seenIndex = false;
        boolean seenDelta = false;
        boolean seenFinish = false;
        if (member('}')) {
            do {
                if (is(INDEX)) {
                    seenIndex = once(seenIndex);
                    index[i] = smallInt();
                } else if (is(DELTA)) {
                    seenDelta = once(seenDelta);
                    if (!literalNull()) {
                        hasDelta[i] = true;
                        delta(i);
                    }
                } else if (is(FINISH_REASON)) {
                    seenFinish = once(seenFinish);
                    finishReason[i] = stringOrNull();
                } else if (is(LOGPROBS)) {
                    onlyNull();
                } else {
                    skipValue(0);
                }
            } while (next('}'));
        }
    }

    private void delta(int i) {
        expect('{');
        boolean seenContent = false;
        boolean seenReasoningContent = false;
        boolean seenReasoning = false;
        String reasoningContent = null;
        String reasoningOther = null;
        if (member('}')) {
            do {
                if (is(ROLE)) {
                    skipValue(0);
                } else if (is(CONTENT)) {
                    seenContent = once(seenContent);
                    content[i] = stringOrNull();
                } else if (is(REASONING_CONTENT)) {
                    seenReasoningContent = once(seenReasoningContent);
                    reasoningContent = stringOrNull();
                } else if (is(REASONING)) {
                    seenReasoning = once(seenReasoning);
                    reasoningOther = stringOrNull();
                } else {
                    onlyNull(); // tool_calls, refusal, annotations...: only when null
                }
            } while (next('}'));
        }
        reasoning[i] = reasoningContent != null ? reasoningContent : reasoningOther;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
