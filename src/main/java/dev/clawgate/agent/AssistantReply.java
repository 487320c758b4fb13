package dev.clawgate.agent;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.CompletionJson;
import dev.clawgate.openai.ToolCall;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import jakarta.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What the model answered in one run, gathered from its deltas: the text, the tool calls joined from their
 * fragments (ordered by their {@code index}), the finish reason and the usage. It gives the non-streaming response
 * body ({@link CompletionJson}) and the assistant message a session commits. A stateless stream needs neither, so it keeps no text
 * ({@code keepText = false}) and only remembers whether a tool call went by. What it keeps is bounded: it counts the
 * UTF-8 bytes of the text and of the tool-call names and arguments and refuses a piece that would take them past
 * {@code maxBytes} ({@code gateway.http.maxReplyBytes}); a reply it does not keep is not bounded here (a stateless
 * stream is relayed as the client takes it). Not thread-safe: the run's monitor guards it.
 */
public final class AssistantReply {
    private final StringBuilder text;
    private final long maxBytes;
    private long bytes;
    private TreeMap<Integer, ToolCallBuilder> toolCalls;
    private boolean sawToolCall;
    private String finishReason;
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
        this.text = keepText ? new StringBuilder() : null;
        this.maxBytes = maxBytes;
    }

    /** Adds a piece of text; false (and nothing added) when it would take the reply past its byte bound. */
    boolean content(String piece) {
        if (text != null && !count(utf8Length(piece))) {
            return false;
        }
        if (text != null) {
            text.append(piece);
        }
        return true;
    }

    /** Adds a tool-call fragment; false (and nothing added) when it would take the reply past its byte bound. */
    boolean toolCall(ToolCallDelta delta) {
        if (text != null && !count(utf8Length(delta.name()) + utf8Length(delta.arguments()))) {
            return false;
        }
        sawToolCall = true;
        if (text != null) {
            if (toolCalls == null) {
                toolCalls = new TreeMap<>();
            }
            toolCalls.computeIfAbsent(delta.index(), i -> new ToolCallBuilder()).add(delta);
        }
        return true;
    }

    private boolean count(long more) {
        if (more > maxBytes - bytes) {
            return false;
        }
        bytes += more;
        return true;
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

    /** Records the finish reason; false when one was already recorded (it is relayed once). */
    boolean finish(String reason) {
        if (finishReason != null) {
            return false;
        }
        finishReason = reason == null ? "stop" : reason;
        return true;
    }

    public String finishReason() {
        return finishReason;
    }

    /** The finish reason for a run that ended without one: {@code tool_calls} after a tool call, else {@code stop}. */
    String defaultFinishReason() {
        return sawToolCall ? "tool_calls" : "stop";
    }

    void usage(Usage u) {
        usage = u;
    }

    /** The usage, zeros when the model reported none. */
    public Usage usage() {
        return usage != null ? usage : Usage.of(0, 0);
    }

    /** The assistant message to store: text as content (null when it only called tools) and the tool calls. */
    public ChatMessage message() {
        String s = text.toString();
        List<ToolCall> calls = calls();
        return new ChatMessage("assistant", s.isEmpty() && !calls.isEmpty() ? null : Json.createValue(s), null, null,
                calls);
    }

    /** The non-streaming {@code chat.completion} body ({@link CompletionJson}). */
    public String completionJson(String id, long created, String model) {
        String s = text.toString();
        List<ToolCall> calls = calls();
        return CompletionJson.completion(id, created, model, s.isEmpty() && !calls.isEmpty() ? null : s, calls,
                finishReason, usage());
    }

    private List<ToolCall> calls() {
        if (toolCalls == null) {
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>(toolCalls.size());
        toolCalls.values().forEach(b -> out.add(b.build()));
        return out;
    }

    /** Joins the fragments of one streamed tool call. */
    private static final class ToolCallBuilder {
        private String id;
        private String name;
        private final StringBuilder arguments = new StringBuilder();

        void add(ToolCallDelta d) {
            if (d.id() != null) {
                id = d.id();
            }
            if (d.name() != null) {
                name = name == null ? d.name() : name + d.name();
            }
            if (d.arguments() != null) {
                arguments.append(d.arguments());
            }
        }

        ToolCall build() {
            return new ToolCall(id, name, arguments.toString());
        }
    }
}
