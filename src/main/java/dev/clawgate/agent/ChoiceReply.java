package dev.clawgate.agent;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.CompletionJson;
import dev.clawgate.openai.ToolCall;
import dev.clawgate.openai.ToolCallDelta;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One choice of a reply, gathered from its deltas: the text, the reasoning (for the reply body's
 * {@code reasoning_content}; never in {@link #message()}, so never stored), the tool calls joined from their fragments
 * (ordered by their {@code index}), the other message fields and the {@code logprobs}, and the finish reason. Other fields and
 * logprobs are gathered member by member: strings are joined ({@code refusal}), arrays
 * appended ({@code annotations}, {@code logprobs.content}), anything else is the last value sent. Without
 * {@code keep} only whether a tool call went by is remembered. Not thread-safe: the run's monitor guards it.
 */
final class ChoiceReply {
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    private final int index;
    private final StringBuilder text;
    private StringBuilder reasoning;
    private TreeMap<Integer, ToolCallBuilder> toolCalls;
    private Gathered fields;
    private Gathered logprobs;
    private boolean sawToolCall;
    private String finishReason;

    ChoiceReply(int index, boolean keep) {
        this.index = index;
        this.text = keep ? new StringBuilder() : null;
    }

    void add(ChoiceDelta d) {
        sawToolCall |= !d.toolCalls().isEmpty();
        if (text == null) {
            return;
        }
        if (d.content() != null) {
            text.append(d.content());
        }
        if (d.reasoning() != null) {
            reasoning = reasoning == null ? new StringBuilder(d.reasoning()) : reasoning.append(d.reasoning());
        }
        for (ToolCallDelta call : d.toolCalls()) {
            if (toolCalls == null) {
                toolCalls = new TreeMap<>();
            }
            toolCalls.computeIfAbsent(call.index(), i -> new ToolCallBuilder()).add(call);
        }
        if (!d.fields().isEmpty()) {
            fields = fields == null ? new Gathered() : fields;
            fields.add(d.fields());
        }
        if (d.logprobs() != null) {
            logprobs = logprobs == null ? new Gathered() : logprobs;
            logprobs.add(d.logprobs());
        }
    }

    /** Records the finish reason; false when one was already recorded (it is relayed once). */
    boolean finish(String reason) {
        if (finishReason != null) {
            return false;
        }
        finishReason = reason == null ? "stop" : reason;
        return true;
    }

    String finishReason() {
        return finishReason;
    }

    /** The finish reason for a choice that ended without one: {@code tool_calls} after a tool call, else stop. */
    String defaultFinishReason() {
        return sawToolCall ? "tool_calls" : "stop";
    }

    /**
     * The assistant message to store: text as content (null when it only called tools) and the tool calls; never the
     * reasoning, so it is neither stored nor sent upstream again.
     */
    ChatMessage message() {
        String s = text.toString();
        List<ToolCall> calls = calls();
        return new ChatMessage("assistant", s.isEmpty() && !calls.isEmpty() ? null : Json.createValue(s), null, null,
                calls);
    }

    /** This choice of a {@code chat.completion} body. */
    CompletionJson.Choice completion() {
        String s = text.toString();
        List<ToolCall> calls = calls();
        return new CompletionJson.Choice(index, s.isEmpty() && !calls.isEmpty() ? null : s, calls, messageFields(),
                logprobs == null ? null : logprobs.build(), finishReason);
    }

    /** {@code reasoning_content} first when there was reasoning, then the other fields as gathered; null when none. */
    private JsonObject messageFields() {
        JsonObject others = fields == null ? null : fields.build();
        if (reasoning == null) {
            return others;
        }
        JsonObjectBuilder o = JSON.createObjectBuilder().add("reasoning_content", reasoning.toString());
        if (others != null) {
            others.forEach(o::add);
        }
        return o.build();
    }

    private List<ToolCall> calls() {
        if (toolCalls == null) {
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>(toolCalls.size());
        toolCalls.values().forEach(b -> out.add(b.build()));
        return out;
    }

    /** Members of streamed objects joined into one: strings joined, arrays appended, other values replaced. */
    private static final class Gathered {
        private final Map<String, Object> members = new LinkedHashMap<>();

        void add(JsonObject piece) {
            for (Map.Entry<String, JsonValue> e : piece.entrySet()) {
                Object had = members.get(e.getKey());
                JsonValue v = e.getValue();
                if (v instanceof JsonString s && (had == null || had instanceof StringBuilder)) {
                    members.put(e.getKey(), had == null ? new StringBuilder(s.getString())
                            : ((StringBuilder) had).append(s.getString()));
                } else if (v instanceof JsonArray a && (had == null || had instanceof JsonArrayBuilder)) {
                    JsonArrayBuilder b = had == null ? JSON.createArrayBuilder() : (JsonArrayBuilder) had;
                    a.forEach(b::add);
                    members.put(e.getKey(), b);
                } else if (v != JsonValue.NULL || had == null) {
                    members.put(e.getKey(), v);
                }
            }
        }

        JsonObject build() {
            JsonObjectBuilder o = JSON.createObjectBuilder();
            members.forEach((k, v) -> {
                if (v instanceof StringBuilder s) {
                    o.add(k, s.toString());
                } else if (v instanceof JsonArrayBuilder a) {
                    o.add(k, a.build());
                } else {
                    o.add(k, (JsonValue) v);
                }
            });
            return o.build();
        }
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
