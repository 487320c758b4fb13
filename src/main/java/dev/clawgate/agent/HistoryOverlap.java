package dev.clawgate.agent;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How many of a request's conversation messages the session already holds (SPEC §6), found in linear time.
 *
 * <p>The answer is the length of the longest prefix of the conversation whose end matches the end of the
 * transcript: either the prefix equals a tail of the transcript (SPEC §6: a client resends the history the session
 * holds, or only part of it), or the prefix ends with the whole transcript (the store dropped the session's oldest
 * turns, which the client still resends). The second case never applies to a prefix of at most the transcript's
 * length, so whenever SPEC's rule finds the overlap this one finds the same. "Matches" is
 * {@link ChatMessage#sameTurnAs}: same role, same text, same tool-call ids.
 *
 * <p>Each message is reduced once to a {@link Key} (its text extracted once, a hash for quick inequality); the two
 * searches are Knuth–Morris–Pratt scans, so the work is O(conversation + transcript) key comparisons — a resent
 * history of 60,000 messages costs about as much as reading it, not its square.
 */
final class HistoryOverlap {
    private long comparisons;

    /** What de-duplication compares of a message, with its hash computed once. */
    record Key(int hash, String role, String text, String toolCallId, List<String> callIds) {
        static Key of(ChatMessage m) {
            List<String> ids = new ArrayList<>(m.toolCalls().size());
            for (ToolCall c : m.toolCalls()) {
                ids.add(c.id());
            }
            String text = m.text();
            return new Key(Objects.hash(m.role(), text, m.toolCallId(), ids), m.role(), text, m.toolCallId(), ids);
        }
    }

    /** The overlap of {@code conversation} (the request's non-system messages) with {@code transcript}. */
    int overlap(List<ChatMessage> transcript, List<ChatMessage> conversation) {
        if (transcript.isEmpty() || conversation.isEmpty()) {
            return 0;
        }
        Key[] t = keys(transcript);
        Key[] c = keys(conversation);
        return Math.max(prefixEndingTranscript(c, t), lastEndOfWhole(t, c));
    }

    /** Key comparisons made so far (how tests see the work is linear). */
    long comparisons() {
        return comparisons;
    }

    private static Key[] keys(List<ChatMessage> messages) {
        Key[] keys = new Key[messages.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Key.of(messages.get(i));
        }
        return keys;
    }

    private boolean same(Key a, Key b) {
        comparisons++;
        return a == b || a.equals(b);
    }

    /** The longest prefix of {@code pattern} that is a suffix of {@code text} (KMP: pattern's automaton over text). */
    private int prefixEndingTranscript(Key[] pattern, Key[] text) {
        int[] fail = failure(pattern);
        int q = 0;
        for (Key k : text) {
            if (q == pattern.length) {
                q = fail[q - 1];
            }
            while (q > 0 && !same(pattern[q], k)) {
                q = fail[q - 1];
            }
            if (same(pattern[q], k)) {
                q++;
            }
        }
        return q;
    }

    /** The end (exclusive) of the last whole occurrence of {@code pattern} in {@code text}, 0 when none. */
    private int lastEndOfWhole(Key[] pattern, Key[] text) {
        if (text.length <= pattern.length) {
            return 0; // an occurrence ending at or before the pattern's length is the first search's case
        }
        int[] fail = failure(pattern);
        int q = 0;
        int last = 0;
        for (int i = 0; i < text.length; i++) {
            while (q > 0 && !same(pattern[q], text[i])) {
                q = fail[q - 1];
            }
            if (same(pattern[q], text[i])) {
                q++;
            }
            if (q == pattern.length) {
                last = i + 1;
                q = fail[q - 1];
            }
        }
        return last;
    }

    /** KMP failure function: fail[i] = length of the longest proper prefix of p[0..i] that is also its suffix. */
    private int[] failure(Key[] p) {
        int[] fail = new int[p.length];
        int k = 0;
        for (int i = 1; i < p.length; i++) {
            while (k > 0 && !same(p[k], p[i])) {
                k = fail[k - 1];
            }
            if (same(p[k], p[i])) {
                k++;
            }
            fail[i] = k;
        }
        return fail;
    }
}
