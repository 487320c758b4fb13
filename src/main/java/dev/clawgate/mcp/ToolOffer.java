package dev.clawgate.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The server tools one agent run offers the model: fixed for the run, so the function names the model sees stay
 * valid across its rounds even if a server's list changes meanwhile (a call to a tool that disappeared is answered
 * with an error result).
 */
public final class ToolOffer {
    private final McpToolbox toolbox;
    private final String agent;
    private final ToolAllowlist allowed;
    private final List<OfferedTool> tools;
    private final Map<String, OfferedTool> byFunction = new LinkedHashMap<>();

    ToolOffer(McpToolbox toolbox, String agent, ToolAllowlist allowed, List<OfferedTool> tools) {
        this.toolbox = toolbox;
        this.agent = agent;
        this.allowed = allowed;
        this.tools = List.copyOf(tools);
        tools.forEach(t -> byFunction.put(t.functionName(), t));
    }

    /** The offered tools, in order of (server, tool). */
    public List<OfferedTool> tools() {
        return tools;
    }

    /** True when the model's function call {@code functionName} is one of these server tools. */
    public boolean isServerTool(String functionName) {
        return byFunction.containsKey(functionName);
    }

    /**
     * Runs the model's call of {@code functionName} with {@code argumentsJson}; a name that is not offered becomes
     * an error result. Never throws.
     */
    public CompletableFuture<ToolResult> call(String functionName, String argumentsJson) {
        OfferedTool t = byFunction.get(functionName);
        if (t == null) {
            return CompletableFuture.completedFuture(ToolResult.failure(ToolOutcome.UNKNOWN_TOOL,
                    "no server tool named '" + functionName + "' is offered"));
        }
        return toolbox.call(agent, allowed, t.tool().server(), t.tool().name(), argumentsJson);
    }
}
