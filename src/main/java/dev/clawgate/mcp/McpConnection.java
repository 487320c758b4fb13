package dev.clawgate.mcp;

import dev.clawgate.config.McpServer;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportException;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One configured server: its SDK client, up/down state, tool list and reconnect schedule. State changes happen under
 * this object's lock and never wait on I/O; each client gets a generation number so late callbacks of a replaced
 * client are ignored.
 */
final class McpConnection {
    /** Pages of tools/list read per listing; with maxToolsPerServer this bounds what one server can make us hold. */
    private static final int MAX_LIST_PAGES = 16;
    /** The most a single response of the server may hold (the SDK's own bound), in bytes. */
    static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private final McpServer config;
    private final McpToolbox toolbox;

    private McpAsyncClient client;
    private int generation;
    private boolean up;
    private boolean closed;
    private String lastError = "connecting";
    private String transport = "none";
    private List<McpTool> tools = List.of();
    private int failures;
    private ScheduledFuture<?> retry;

    /** A usable client and what it listed, for one call. */
    record Live(McpAsyncClient client, int generation, Map<String, McpTool> tools) {
    }

    McpConnection(McpServer config, McpToolbox toolbox) {
        this.config = config;
        this.toolbox = toolbox;
    }

    String name() {
        return config.name();
    }

    McpServer config() {
        return config;
    }

    void connect() {
        connect(false);
    }

    private void connect(boolean legacySse) {
        int gen;
        synchronized (this) {
            if (closed) {
                return;
            }
            retry = null;
            gen = ++generation;
            transport = config.stdio() ? "stdio" : legacySse ? "http+sse" : "streamable-http";
        }
        McpAsyncClient c;
        try {
            c = newClient(gen, legacySse);
        } catch (RuntimeException e) {
            markDown(gen, e);
            return;
        }
        synchronized (this) {
            if (gen != generation || closed) {
                c.close();
                return;
            }
            client = c;
        }
        c.initialize().then(Mono.defer(() -> listTools(c))).subscribe(
                listed -> onListed(gen, listed, true),
                error -> onConnectFailed(gen, c, legacySse, error));
    }

    private McpAsyncClient newClient(int gen, boolean legacySse) {
        Duration timeout = Duration.ofMillis(config.timeoutMs());
        return McpClient.async(McpTransports.create(config, toolbox, legacySse))
                .clientInfo(McpSchema.Implementation.builder("clawgate", McpToolbox.CLIENT_VERSION).build())
                .capabilities(McpSchema.ClientCapabilities.builder().build())
                .initializationTimeout(timeout)
                // a backstop behind McpToolbox's own per-call timer, so the SDK forgets requests that never answer
                .requestTimeout(timeout.plusSeconds(1))
                .jsonSchemaValidator(McpToolbox.PASS_THROUGH_VALIDATOR)
                .toolsChangeConsumer(listed -> {
                    onListed(gen, convert(listed), false);
                    return Mono.empty();
                })
                .build();
    }

    private Mono<List<McpTool>> listTools(McpAsyncClient c) {
        return c.listTools(McpSchema.FIRST_PAGE)
                .expand(page -> page.nextCursor() == null || page.nextCursor().isEmpty()
                        ? Mono.empty() : c.listTools(page.nextCursor()))
                .take(MAX_LIST_PAGES)
                .flatMapIterable(McpSchema.ListToolsResult::tools)
                .collectList()
                .map(this::convert);
    }

    private List<McpTool> convert(List<McpSchema.Tool> listed) {
        List<McpTool> out = new ArrayList<>();
        for (McpSchema.Tool t : listed) {
            if (out.size() == toolbox.options().maxToolsPerServer()) {
                McpToolbox.LOG.log(System.Logger.Level.WARNING, "MCP server {0} lists more than {1} tools; the rest "
                        + "are not offered", config.name(), toolbox.options().maxToolsPerServer());
                break;
            }
            if (t.name() == null || t.name().isEmpty()) {
                continue;
            }
            String schema = schemaJson(t.inputSchema());
            if (schema == null || schema.length() > McpToolbox.MAX_SCHEMA_CHARS) {
                McpToolbox.LOG.log(System.Logger.Level.WARNING, "MCP server {0}: tool {1} is not offered: its input "
                        + "schema is not JSON of at most {2} characters", config.name(), t.name(),
                        McpToolbox.MAX_SCHEMA_CHARS);
                continue;
            }
            String description = t.description() == null ? "" : t.description();
            if (description.length() > McpToolbox.MAX_DESCRIPTION_CHARS) {
                description = description.substring(0, McpToolbox.MAX_DESCRIPTION_CHARS);
            }
            out.add(new McpTool(config.name(), t.name(), description, schema));
        }
        return List.copyOf(out);
    }

    private String schemaJson(Map<String, Object> inputSchema) {
        Map<String, Object> schema = new LinkedHashMap<>();
        if (inputSchema != null) {
            schema.putAll(inputSchema);
        }
        schema.putIfAbsent("type", "object");
        if ("object".equals(schema.get("type"))) {
            schema.putIfAbsent("properties", Map.of());
        }
        try {
            return toolbox.json().writeValueAsString(schema);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void onListed(int gen, List<McpTool> listed, boolean connected) {
        boolean cameUp;
        synchronized (this) {
            if (gen != generation || closed) {
                return;
            }
            cameUp = connected && !up;
            if (connected) {
                up = true;
                failures = 0;
                lastError = null;
            }
            tools = listed;
        }
        toolbox.catalogChanged();
        if (cameUp) {
            McpToolbox.LOG.log(System.Logger.Level.INFO, "MCP server {0} is up over {1} with {2} tools",
                    config.name(), transport, listed.size());
            toolbox.events().serverStatusChanged(config.name(), true, null);
        }
        toolbox.events().toolsChanged(config.name(), listed.size());
    }

    private void onConnectFailed(int gen, McpAsyncClient c, boolean legacySse, Throwable error) {
        c.close();
        synchronized (this) {
            if (gen != generation || closed) {
                return;
            }
        }
        if (!legacySse && !config.stdio() && mayOnlySpeakSse(error)) {
            connect(true);
            return;
        }
        markDown(gen, error);
    }

    /**
     * A failure of a call that means the connection is gone (I/O error, lost session): the server is marked down,
     * its tools withdrawn, and reconnecting starts.
     */
    void callFailed(int gen, Throwable error) {
        if (!isConnectionFailure(error)) {
            return;
        }
        McpAsyncClient c;
        synchronized (this) {
            if (gen != generation || closed) {
                return;
            }
            c = client;
        }
        if (c != null) {
            c.close();
        }
        markDown(gen, error);
    }

    private void markDown(int gen, Throwable error) {
        String message = toolbox.describe(error);
        boolean wasUp;
        boolean report;
        long delayMs;
        synchronized (this) {
            if (gen != generation || closed) {
                return;
            }
            wasUp = up;
            report = wasUp || failures == 0;
            up = false;
            client = null;
            tools = List.of();
            lastError = message;
            failures++;
            McpToolbox.Options o = toolbox.options();
            long initial = o.initialRetryDelay().toMillis();
            delayMs = Math.min(o.maxRetryDelay().toMillis(), initial << Math.min(failures - 1, 20));
            retry = toolbox.scheduler().schedule((Runnable) this::connect, delayMs, TimeUnit.MILLISECONDS);
        }
        if (wasUp) {
            toolbox.catalogChanged();
        }
        if (report) {
            McpToolbox.LOG.log(System.Logger.Level.WARNING, "MCP server {0} is down ({1}); retrying in {2} ms, "
                    + "backing off to {3} ms", config.name(), message, delayMs,
                    toolbox.options().maxRetryDelay().toMillis());
            toolbox.events().serverStatusChanged(config.name(), false, message);
        }
    }

    synchronized Live live() {
        if (!up || client == null) {
            return null;
        }
        Map<String, McpTool> byName = new LinkedHashMap<>();
        tools.forEach(t -> byName.put(t.name(), t));
        return new Live(client, generation, byName);
    }

    synchronized List<McpTool> tools() {
        return tools;
    }

    synchronized ServerStatus status() {
        return new ServerStatus(config.name(), up, lastError, tools.size(), transport);
    }

    /** Stops reconnecting and closes the client; the returned Mono completes when the client has closed. */
    Mono<Void> close() {
        McpAsyncClient c;
        synchronized (this) {
            closed = true;
            up = false;
            tools = List.of();
            if (retry != null) {
                retry.cancel(false);
            }
            c = client;
            client = null;
        }
        return c == null ? Mono.empty() : c.closeGracefully().onErrorResume(e -> Mono.empty());
    }

    /** True when the failure may be a server that only speaks the older HTTP+SSE transport (an HTTP-level refusal). */
    private static boolean mayOnlySpeakSse(Throwable error) {
        boolean transportRefusal = false;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof McpError
                    || t instanceof McpHttpClientTransportAuthorizationException) {
                return false;
            }
            transportRefusal |= t instanceof McpTransportException;
            if (t.getCause() == t) {
                break;
            }
        }
        return transportRefusal;
    }

    private static boolean isConnectionFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof McpError || t instanceof TimeoutException) {
                return false;
            }
            if (t instanceof IOException || t instanceof McpTransportException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
