package dev.clawgate.agent;

import dev.clawgate.mcp.OfferedTool;
import dev.clawgate.mcp.ToolOffer;
import dev.clawgate.mcp.ToolResult;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ToolCall;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The upstream parameters of a tool round: the client's parameters as sent, with {@code tools} holding the client's
 * own functions followed by the agent's offered server tools ({@code <server>__<tool>} with their schemas). A server
 * tool whose function name equals one of the client's is not offered: the client's definition wins. The last round
 * offers no server tools, and when the client sent no tools it carries no {@code tools}, {@code tool_choice} or
 * {@code parallel_tool_calls} at all. It also knows which calls of a round's reply are server calls.
 */
final class ToolParams {
    private static final Set<String> TOOL_FIELDS = Set.of("tools", "tool_choice", "parallel_tool_calls");

    private final Map<String, JsonValue> withTools;
    private final Map<String, JsonValue> withoutServerTools;
    private final Set<String> serverTools = new HashSet<>();

    ToolParams(Map<String, JsonValue> client, ToolOffer offer) {
        Set<String> clientNames = new HashSet<>();
        JsonArrayBuilder tools = Json.createArrayBuilder();
        if (client.get("tools") instanceof JsonArray own) {
            for (JsonValue t : own) {
                tools.add(t);
                if (t instanceof JsonObject o && o.get("function") instanceof JsonObject fn
                        && fn.get("name") instanceof JsonString name) {
                    clientNames.add(name.getString());
                }
            }
        }
        for (OfferedTool t : offer.tools()) {
            if (!clientNames.contains(t.functionName())) {
                serverTools.add(t.functionName());
                tools.add(Json.createReader(new StringReader(t.toJson())).readValue());
            }
        }
        Map<String, JsonValue> on = new LinkedHashMap<>(client);
        on.put("tools", tools.build());
        this.withTools = Collections.unmodifiableMap(on);
        Map<String, JsonValue> off = new LinkedHashMap<>(client);
        if (clientNames.isEmpty()) {
            off.keySet().removeAll(TOOL_FIELDS);
        }
        this.withoutServerTools = Collections.unmodifiableMap(off);
    }

    /** The parameters of a round: with the server tools, or (the last round) without them. */
    Map<String, JsonValue> forRound(boolean last) {
        return last ? withoutServerTools : withTools;
    }

    /**
     * The assistant message a round adds to the conversation: the model's text and tool calls ({@code said}), less
     * the server calls of the last round (not offered then: dropped, never run); a server call without an id gets
     * {@code call_<round>_<i>}. The server calls it keeps are added to {@code server}, in order.
     */
    ChatMessage assistant(ChatMessage said, int round, boolean last, List<ToolCall> server) {
        List<ToolCall> kept = new ArrayList<>();
        List<ToolCall> asked = said.toolCalls();
        for (int i = 0; i < asked.size(); i++) {
            ToolCall c = asked.get(i);
            if (isServerTool(c.name())) {
                if (last) {
                    continue;
                }
                c = c.id() == null || c.id().isEmpty() ? new ToolCall("call_" + round + "_" + i, c.name(),
                        c.arguments()) : c;
                server.add(c);
            }
            kept.add(c);
        }
        return new ChatMessage("assistant", kept.isEmpty() || !said.text().isEmpty()
                ? Json.createValue(said.text()) : JsonValue.NULL, null, null, kept);
    }

    /** The {@code tool} message answering {@code call}: the result's text, or why there is none. */
    static ChatMessage result(ToolCall call, ToolResult r) {
        String text = r == null ? "the tool call did not finish" : r.isError() ? "Error: " + r.text() : r.text();
        return new ChatMessage("tool", Json.createValue(text), null, call.id(), null);
    }

    /** Whether a call of {@code function} is one of the offered server tools (a client's call otherwise). */
    boolean isServerTool(String function) {
        return function != null && serverTools.contains(function);
    }
}
