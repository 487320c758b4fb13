package dev.clawgate.agent;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.CompletionJson;
import dev.clawgate.openai.ResponseMeta;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What the model answered in one run, gathered from its deltas: each choice ({@link ChoiceReply}: text, tool calls,
 * other message fields, logprobs, finish reason), the upstream's {@code system_fingerprint} / {@code service_tier}
 * and the usage. It gives the non-streaming response body ({@link CompletionJson}, every choice in index order) and
 * the assistant message a session commits, which is choice 0's: a session keeps one line of conversation, whatever
 * {@code n} was. A stateless stream needs neither, so it keeps no text ({@code keepText = false}). What it keeps is
 * bounded: it counts the UTF-8 bytes of the text, the reasoning and the tool-call names and arguments of all choices together
 * and refuses a piece that would take them past {@code maxBytes} ({@code gateway.http.maxReplyBytes}); a reply it
 * does not keep is not bounded here (a stateless stream is relayed as the client takes it). Not thread-safe: the
 * run's monitor guards it.
 */
public final class AssistantReply {
    private final boolean keepText;
    private final long maxBytes;
    private long bytes;
    private final TreeMap<Integer, ChoiceReply> choices = new TreeMap<>();
    /** Choice 0, also in {@link #choices}: the one nearly every delta is for, found without a map lookup. */
    private final ChoiceReply first;
    private ResponseMeta meta = ResponseMeta.NONE;
    private Usage usage;

    /** @param keepText whether to keep the text and tool calls (non-streaming clients and stored sessions) */
    public AssistantReply(boolean keepText) {
        this(keepText, Long.MAX_VALUE);
    }

    /**
     * @param keepText whether to keep the text and tool calls
     * @param maxBytes most UTF-8 bytes of text and tool-call names and arguments the reply may have
     */
    public AssistantReply(boolean keepText, long maxBytes) {
        this.keepText = keepText;
        this.maxBytes = maxBytes;
        this.first = new ChoiceReply(0, keepText);
        choices.put(0, first);
    }

    private ChoiceReply choice(int index) {
        return index == 0 ? first : choices.computeIfAbsent(index, i -> new ChoiceReply(i, keepText));
    }

    /** Adds a choice's piece; false (and nothing added) when it would take the reply past its byte bound. */
    boolean delta(ChoiceDelta d) {
        if (keepText) {
            long more = utf8Length(d.content()) + utf8Length(d.reasoning());
            for (ToolCallDelta call : d.toolCalls()) {
                more += utf8Length(call.name()) + utf8Length(call.arguments());
            }
            if (more > maxBytes - bytes) {
                return false;
            }
            bytes += more;
        }
        choice(d.index()).add(d);
        return true;
    }

    /** Adds a piece of choice 0's text; false (and nothing added) when it would pass the byte bound. */
    boolean content(String piece) {
        return delta(ChoiceDelta.content(0, piece));
    }

    /** Adds a fragment of choice 0's tool call; false (and nothing added) when it would pass the byte bound. */
    boolean toolCall(ToolCallDelta d) {
        return delta(ChoiceDelta.toolCall(0, d));
    }

    /** UTF-8 length of {@code s} (0 for null), without encoding it. */
    static long utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x800) {
                n += Character.isSurrogate(c) ? 1 : 2; // a pair is 4 bytes for 2 chars; others 3 for 1
            } else if (c >= 0x80) {
                n += 1;
            }
        }
        return n;
    }

    /** Records choice 0's finish reason; false when one was already recorded (it is relayed once). */
    boolean finish(String reason) {
        return finish(0, reason);
    }

    /** Records a choice's finish reason; false when one was already recorded (it is relayed once). */
    boolean finish(int choice, String reason) {
        return choice(choice).finish(reason);
    }

    /** Choice 0's finish reason, or null while it has none. */
    public String finishReason() {
        return finishReason(0);
    }

    public String finishReason(int choice) {
        ChoiceReply c = choices.get(choice);
        return c == null ? null : c.finishReason();
    }

    /** Choice 0's finish reason when it ended without one: {@code tool_calls} after a tool call, else stop. */
    String defaultFinishReason() {
        return choice(0).defaultFinishReason();
    }

    /** Indexes of the choices without a finish reason yet, in order. */
    List<Integer> openChoices() {
        List<Integer> out = new ArrayList<>();
        choices.forEach((i, c) -> {
            if (c.finishReason() == null) {
                out.add(i);
            }
        });
        return out;
    }

    String defaultFinishReason(int choice) {
        return choice(choice).defaultFinishReason();
    }

    void meta(ResponseMeta m) {
        meta = m;
    }

    /** The upstream's {@code system_fingerprint} and {@code service_tier}, as last named. */
    public ResponseMeta meta() {
        return meta;
    }

    void usage(Usage u) {
        usage = u;
    }

    /** The usage, zeros when the model reported none. */
    public Usage usage() {
        return usage != null ? usage : Usage.of(0, 0);
    }

    /**
     * The assistant message to store: choice 0's text as content (null when it only called tools) and tool calls;
     * never the reasoning, so it is neither stored nor sent upstream again.
     */
    public ChatMessage message() {
        return choice(0).message();
    }

    /** The non-streaming {@code chat.completion} body ({@link CompletionJson}), every choice in index order. */
    public String completionJson(String id, long created, String model) {
        List<CompletionJson.Choice> out = new ArrayList<>(choices.size());
        choices.values().forEach(c -> out.add(c.completion()));
        return CompletionJson.completion(id, created, model, meta, out, usage());
    }
}
