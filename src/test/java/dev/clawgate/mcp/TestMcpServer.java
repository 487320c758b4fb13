package dev.clawgate.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SDK's own MCP server (its servlet transport) in an embedded Jetty 12 on 127.0.0.1, with tools {@code echo},
 * {@code add}, {@code fail} (isError), {@code slow} (answers when {@link #releaseSlow()} is called), {@code picture}
 * (an image and a text part), {@code big} (a long text), {@code headers} (echoes the request's X-Api-Key).
 * Streamable HTTP at {@code /mcp}, or with {@code legacySse} the older HTTP+SSE transport at {@code /sse}. Public for
 * the gateway's HTTP tests of the tool loop.
 */
public final class TestMcpServer implements AutoCloseable {
    static final JsonSchemaValidator NO_VALIDATION = (schema, content) ->
            JsonSchemaValidator.ValidationResponse.asValid(null);
    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());

    public final CountDownLatch slowStarted = new CountDownLatch(1);
    public final CountDownLatch slowCancelled = new CountDownLatch(1);
    private final CompletableFuture<Void> slowRelease = new CompletableFuture<>();
    private final AtomicReference<String> lastApiKey = new AtomicReference<>();
    private final Server jetty;
    private final McpAsyncServer mcp;
    private final boolean legacySse;
    private int openConnections;

    @SuppressWarnings("deprecation") // HttpServletSseServerTransportProvider: the older transport, on purpose
    private TestMcpServer(int port, boolean legacySse) throws Exception {
        this.legacySse = legacySse;
        HttpServlet servlet;
        McpServer.AsyncSpecification<?> spec;
        if (legacySse) {
            var provider = HttpServletSseServerTransportProvider.builder().jsonMapper(JSON).sseEndpoint("/sse")
                    .messageEndpoint("/message").contextExtractor(this::extract).build();
            servlet = provider;
            spec = McpServer.async(provider);
        } else {
            var provider = HttpServletStreamableServerTransportProvider.builder().jsonMapper(JSON).mcpEndpoint("/mcp")
                    .contextExtractor(this::extract).build();
            servlet = provider;
            spec = McpServer.async(provider);
        }
        mcp = spec.serverInfo("test-server", "1.0").jsonMapper(JSON).jsonSchemaValidator(NO_VALIDATION)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tool("echo", "Echoes its text", Map.of("text", Map.of("type", "string")),
                                (ex, req) -> text(String.valueOf(req.arguments().get("text")))),
                        tool("add", "Adds a and b", Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")),
                                (ex, req) -> text(String.valueOf(((Number) req.arguments().get("a")).longValue()
                                        + ((Number) req.arguments().get("b")).longValue()))),
                        tool("fail", "Always fails", Map.of(), (ex, req) -> Mono.just(McpSchema.CallToolResult.builder()
                                .content(List.of(textContent("boom"))).isError(true).build())),
                        tool("slow", "Answers when released", Map.of(), (ex, req) -> {
                            slowStarted.countDown();
                            return Mono.fromFuture(slowRelease).then(text("done"))
                                    .doOnCancel(slowCancelled::countDown);
                        }),
                        tool("picture", "An image and a caption", Map.of(), (ex, req) -> Mono.just(
                                McpSchema.CallToolResult.builder().content(List.of(
                                        McpSchema.ImageContent.builder("aGVsbG8=", "image/png").build(),
                                        textContent("a caption"))).build())),
                        tool("big", "A long text", Map.of(), (ex, req) -> text("x".repeat(100_000))),
                        tool("headers", "The X-Api-Key it got", Map.of(), (ex, req) -> text(lastApiKey.get())))
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.addBean(new org.eclipse.jetty.io.Connection.Listener() {
            @Override
            public void onOpened(org.eclipse.jetty.io.Connection connection) {
                connectionsChanged(1);
            }

            @Override
            public void onClosed(org.eclipse.jetty.io.Connection connection) {
                connectionsChanged(-1);
            }
        });
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
    }

    public static TestMcpServer start(int port) throws Exception {
        return new TestMcpServer(port, false);
    }

    static TestMcpServer startLegacySse(int port) throws Exception {
        return new TestMcpServer(port, true);
    }

    private io.modelcontextprotocol.common.McpTransportContext extract(jakarta.servlet.http.HttpServletRequest r) {
        String key = r.getHeader("X-Api-Key");
        if (key != null) {
            lastApiKey.set(key);
        }
        return io.modelcontextprotocol.common.McpTransportContext.EMPTY;
    }

    private synchronized void connectionsChanged(int delta) {
        openConnections += delta;
        notifyAll();
    }

    /** Waits (bounded) until no client holds a connection to this server; returns how many are still open. */
    public synchronized int awaitNoConnections(java.time.Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (openConnections > 0 && System.nanoTime() < deadline) {
            wait(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        return openConnections;
    }

    int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + (legacySse ? "/sse" : "/mcp");
    }

    public void releaseSlow() {
        slowRelease.complete(null);
    }

    /** Adds a tool and sends notifications/tools/list_changed to the connected clients. */
    void addTool(String name) {
        mcp.addTool(tool(name, "Added later", Map.of(), (ex, req) -> text(name))).block();
    }

    @Override
    public void close() throws Exception {
        releaseSlow();
        mcp.closeGracefully().onErrorResume(e -> Mono.empty()).block(java.time.Duration.ofSeconds(5));
        jetty.stop();
    }

    static McpServerFeatures.AsyncToolSpecification tool(String name, String description,
            Map<String, Object> properties,
            java.util.function.BiFunction<io.modelcontextprotocol.server.McpAsyncServerExchange,
                    McpSchema.CallToolRequest, Mono<McpSchema.CallToolResult>> handler) {
        Map<String, Object> schema = Map.of("type", "object", "properties", properties);
        return new McpServerFeatures.AsyncToolSpecification(
                McpSchema.Tool.builder(name, schema).description(description).build(), handler);
    }

    static McpSchema.TextContent textContent(String text) {
        return McpSchema.TextContent.builder(text).build();
    }

    private static Mono<McpSchema.CallToolResult> text(String text) {
        return Mono.just(McpSchema.CallToolResult.builder().content(List.of(textContent(text))).build());
    }
}
