package dev.clawgate.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.Disposable;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One tool call from start to result for {@link McpToolbox#call}: the checks that answer without the server (unknown
 * server or tool, not allowed, server down, arguments not a JSON object), then {@code tools/call} with the server's
 * timeout on the toolbox's scheduler, and the mapping of every outcome to a {@link ToolResult}.
 */
final class ToolCalls {
    private static final TypeRef<Map<String, Object>> ARGUMENTS = new TypeRef<>() {
    };

    private final McpToolbox toolbox;

    ToolCalls(McpToolbox toolbox) {
        this.toolbox = toolbox;
    }

    CompletableFuture<ToolResult> call(String agent, ToolAllowlist allowed, String server, String tool,
                                       String argumentsJson) {
        long start = System.nanoTime();
        CompletableFuture<ToolResult> result = new CompletableFuture<>();
        McpConnection conn = toolbox.connection(server);
        boolean listed = conn != null && conn.tools().stream().anyMatch(t -> t.name().equals(tool));
        String serverLabel = conn == null ? ToolEvents.UNKNOWN : server;
        String toolLabel = listed ? tool : ToolEvents.UNKNOWN;
        // the caller's future completes only after the call is reported, so a run goes on (and its client hears
        // the end) after the metrics and events have it; cancelling the caller's future cancels the call
        CompletableFuture<ToolResult> reported = new CompletableFuture<>();
        result.whenComplete((r, e) -> {
            toolbox.events().toolCalled(agent, serverLabel, toolLabel,
                    r != null ? r.outcome() : ToolOutcome.CANCELLED, System.nanoTime() - start);
            if (r != null) {
                reported.complete(r);
            } else if (result.isCancelled()) {
                reported.cancel(false);
            } else {
                reported.completeExceptionally(e);
            }
        });
        reported.whenComplete((r, e) -> {
            if (reported.isCancelled()) {
                result.cancel(true);
            }
        });
        if (toolbox.isClosed()) {
            result.complete(ToolResult.failure(ToolOutcome.UNAVAILABLE, "MCP tools are shutting down"));
        } else if (conn == null) {
            result.complete(ToolResult.failure(ToolOutcome.UNKNOWN_TOOL, "there is no MCP server named '"
                    + server + "'"));
        } else if (!allowed.allows(server, tool)) {
            result.complete(ToolResult.failure(ToolOutcome.NOT_ALLOWED, "tool '" + tool + "' of MCP server '"
                    + server + "' is not allowed for this agent"));
        } else {
            McpConnection.Live live = conn.live();
            if (live == null) {
                result.complete(ToolResult.failure(ToolOutcome.UNAVAILABLE, "MCP server '" + server
                        + "' is unavailable: " + conn.status().lastError()));
            } else if (!live.tools().containsKey(tool)) {
                result.complete(ToolResult.failure(ToolOutcome.UNKNOWN_TOOL, "MCP server '" + server
                        + "' has no tool named '" + tool + "'"));
            } else {
                Object args = parseArguments(argumentsJson);
                if (args instanceof String problem) {
                    result.complete(ToolResult.failure(ToolOutcome.INVALID_ARGUMENTS, problem));
                } else {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = (Map<String, Object>) args;
                    send(conn, live, tool, map, result);
                }
            }
        }
        return reported;
    }

    private void send(McpConnection conn, McpConnection.Live live, String tool, Map<String, Object> args,
                      CompletableFuture<ToolResult> result) {
        String server = conn.name();
        long timeoutMs = conn.config().timeoutMs();
        Disposable request = live.client().callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build()).subscribe(
                r -> result.complete(toResult(r)),
                e -> {
                    result.complete(failure(server, e));
                    conn.callFailed(live.generation(), e);
                },
                () -> result.complete(ToolResult.failure(ToolOutcome.FAILED, "MCP server '" + server
                        + "' returned no result")));
        ScheduledFuture<?> timer = toolbox.scheduler().schedule(() -> {
            if (result.complete(ToolResult.failure(ToolOutcome.TIMEOUT, "tool '" + tool + "' of MCP server '"
                    + server + "' did not answer within " + timeoutMs + " ms"))) {
                request.dispose();
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> {
            timer.cancel(false);
            if (result.isCancelled()) {
                request.dispose();
            }
        });
    }

    private ToolResult toResult(McpSchema.CallToolResult r) {
        boolean error = Boolean.TRUE.equals(r.isError());
        return new ToolResult(ResultText.of(r, toolbox.json(), toolbox.options().maxResultChars()), error,
                error ? ToolOutcome.TOOL_ERROR : ToolOutcome.OK);
    }

    private ToolResult failure(String server, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof McpError m) {
                String message = m.getJsonRpcError() != null ? m.getJsonRpcError().message() : m.getMessage();
                return ToolResult.failure(ToolOutcome.FAILED, "MCP server '" + server + "' refused the call: "
                        + toolbox.scrub(String.valueOf(message)));
            }
            if (t instanceof TimeoutException) {
                return ToolResult.failure(ToolOutcome.TIMEOUT, "MCP server '" + server + "' did not answer in time");
            }
        }
        return ToolResult.failure(ToolOutcome.UNAVAILABLE, "MCP server '" + server + "' failed during the call: "
                + toolbox.describe(e));
    }

    /** The arguments as a map, or a String saying what is wrong with them. */
    private Object parseArguments(String argumentsJson) {
        if (argumentsJson == null || argumentsJson.isBlank()) {
            return Map.of();
        }
        if (argumentsJson.length() > McpToolbox.MAX_ARGUMENT_CHARS) {
            return "the arguments are longer than " + McpToolbox.MAX_ARGUMENT_CHARS + " characters";
        }
        try {
            Map<String, Object> args = toolbox.json().readValue(argumentsJson, ARGUMENTS);
            return args == null ? "the arguments must be a JSON object, not null" : args;
        } catch (Exception e) {
            String m = String.valueOf(e.getMessage());
            int nl = m.indexOf('\n');
            m = nl < 0 ? m : m.substring(0, nl);
            return "the arguments are not a valid JSON object: " + (m.length() > 200 ? m.substring(0, 200) : m);
        }
    }

}
