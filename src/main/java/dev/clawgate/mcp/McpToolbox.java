package dev.clawgate.mcp;

import dev.clawgate.config.Mcp;
import dev.clawgate.config.Secret;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's MCP client side: one SDK client per configured server, their tools, and calls to them.
 *
 * <p><b>Start-up never fails on a server.</b> {@link #start} returns at once; every server is connected in the
 * background (Streamable HTTP first, then the older HTTP+SSE transport when the server refuses the first at the HTTP
 * level). A server that cannot be reached is down — its tools are absent, {@link #statuses()} says why — and is
 * retried after {@link Options#initialRetryDelay()} [1 s], doubling up to {@link Options#maxRetryDelay()} [60 s],
 * until it is up or the toolbox is closed. A server that fails during a call (I/O error, lost session) goes down the
 * same way. Tools are listed when a server comes up and again on {@code notifications/tools/list_changed}.
 *
 * <p><b>Calls never throw and never block.</b> {@link #call} returns a future that always completes with a
 * {@link ToolResult}: a tool's failure, a timeout (the server's {@code timeoutMs} [30000 ms]), a server that is down,
 * arguments that are not a JSON object, a tool outside the agent's allowlist or not listed — each is a result with
 * {@code isError} and a message for the model. Cancelling the future stops waiting for the server and disposes the
 * SDK request (the SDK 2.1 sends no {@code notifications/cancelled}; the server may finish the work).
 *
 * <p><b>Bounds.</b> {@link Options#maxToolsPerServer()} [128] tools per server (at start-up at most 16 pages of
 * {@code tools/list} are read; on {@code list_changed} the SDK reads every page and the cap applies to the result),
 * input schema at most {@value #MAX_SCHEMA_CHARS} characters (a tool with a larger one is not offered), description
 * cut at {@value #MAX_DESCRIPTION_CHARS}, arguments at most {@value #MAX_ARGUMENT_CHARS} characters, result text cut at
 * {@link Options#maxResultChars()} [65536 characters], one server response at most 4 MiB (the SDK's bound).
 *
 * <p><b>Threads.</b> All servers share one JDK {@link HttpClient} whose callbacks run on two daemon threads
 * {@code clawgate-mcp-N}; the SDK's request timers run on Reactor's default schedulers; reconnects and call timeouts
 * on the given scheduler. {@link #close()} closes every client (the Streamable HTTP session is deleted), stops the
 * two threads, shuts the HTTP client down where the JDK allows it (Java 21+), and disposes Reactor's default
 * schedulers — they belong to this web application's copy of Reactor. On Java 17 the JDK client's selector thread
 * ends by itself once the client is unreachable (within seconds of the next GC); it holds no connection.
 */
public final class McpToolbox implements AutoCloseable {
    static final System.Logger LOG = System.getLogger(McpToolbox.class.getName());
    static final String CLIENT_VERSION = "0.1.0";
    /** Largest input schema offered to the model, in characters of JSON. */
    public static final int MAX_SCHEMA_CHARS = 65_536;
    /** Descriptions are cut to this many characters. */
    public static final int MAX_DESCRIPTION_CHARS = 4_096;
    /** Largest arguments accepted for a call, in characters of JSON. */
    public static final int MAX_ARGUMENT_CHARS = 262_144;
    /** How long {@link #close()} waits for the servers to acknowledge the close, in milliseconds. */
    static final long CLOSE_WAIT_MS = 2_000;

    /** The gateway reads text content only, so a tool's structured output is not checked against its schema. */
    static final JsonSchemaValidator PASS_THROUGH_VALIDATOR = (schema, content) ->
            JsonSchemaValidator.ValidationResponse.asValid(null);

    /**
     * Tunables with their defaults ({@link #defaults()}).
     *
     * @param initialRetryDelay first reconnect delay after a failure [1 s]; doubles per failure
     * @param maxRetryDelay     longest reconnect delay [60 s]
     * @param maxToolsPerServer tools kept per server [128]; the rest are not offered (a warning is logged)
     * @param maxResultChars    result text cap in characters [65536]; longer text ends with a truncation note
     */
    public record Options(Duration initialRetryDelay, Duration maxRetryDelay, int maxToolsPerServer,
                          int maxResultChars) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), Duration.ofSeconds(60), 128, 65_536);
        }
    }

    private final Map<String, McpConnection> connections = new LinkedHashMap<>();
    private final Options options;
    private final ScheduledExecutorService scheduler;
    private final ToolEvents events;
    private final McpJsonMapper json = new JacksonMcpJsonMapper(JsonMapper.builder().build());
    private final ThreadPoolExecutor io;
    private final CompletableFuture<Void> firstAttempts = new CompletableFuture<>();
    private final Set<String> awaitingFirstAttempt = ConcurrentHashMap.newKeySet();
    private final Set<String> secrets;
    private final ToolCalls calls = new ToolCalls(this);
    private volatile HttpClient httpClient;
    private volatile List<OfferedTool> catalog = List.of();
    private volatile boolean closed;

    private McpToolbox(Mcp config, Options options, ScheduledExecutorService scheduler, ToolEvents events) {
        this.options = options;
        this.scheduler = scheduler;
        this.events = new FirstAttemptEvents(events);
        AtomicInteger threads = new AtomicInteger();
        this.io = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "clawgate-mcp-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        io.allowCoreThreadTimeOut(true);
        Set<String> s = new java.util.HashSet<>();
        config.servers().values().forEach(c -> c.headers().values().stream().map(Secret::reveal)
                .filter(v -> v.length() >= 4).forEach(s::add));
        this.secrets = Set.copyOf(s);
        config.servers().values().forEach(c -> connections.put(c.name(), new McpConnection(c, this)));
        awaitingFirstAttempt.addAll(connections.keySet());
        if (connections.isEmpty()) {
            firstAttempts.complete(null);
        }
    }

    /**
     * Starts connecting to every server of {@code config} in the background and returns at once.
     *
     * @param scheduler runs reconnects and call timeouts; owned by the caller (not shut down by {@link #close()})
     * @param events    metrics/readiness listener ({@link ToolEvents#NONE} for none)
     */
    public static McpToolbox start(Mcp config, Options options, ScheduledExecutorService scheduler,
                                   ToolEvents events) {
        McpToolbox toolbox = new McpToolbox(config, options, scheduler, events);
        toolbox.connections.values().forEach(c -> scheduler.execute(c::connect));
        return toolbox;
    }

    /** Completes when every server has been reached or found down once (it may still come up later). */
    public CompletableFuture<Void> firstAttempts() {
        return firstAttempts.copy();
    }

    /** Each configured server's state, in name order. */
    public List<ServerStatus> statuses() {
        return connections.values().stream().map(McpConnection::status).toList();
    }

    /** The tools a server listed (empty while it is down); null for a server that is not configured. */
    public List<McpTool> tools(String server) {
        McpConnection c = connections.get(server);
        return c == null ? null : c.tools();
    }

    /**
     * The tools {@code agent} may use now, as OpenAI functions. Names are assigned over all servers' current tools
     * ({@link FunctionNames}), so a run keeps one offer for all its rounds.
     */
    public ToolOffer offer(String agent, ToolAllowlist allowed) {
        List<OfferedTool> offered = catalog.stream()
                .filter(t -> allowed.allows(t.tool().server(), t.tool().name())).toList();
        return new ToolOffer(this, agent, allowed, offered);
    }

    /**
     * Calls {@code tool} of {@code server} with {@code argumentsJson} (a JSON object; null or blank means
     * {@code {}}) for {@code agent}. Never throws; the future always completes with a result unless the caller
     * cancels it, which disposes the request.
     */
    public CompletableFuture<ToolResult> call(String agent, ToolAllowlist allowed, String server, String tool,
                                              String argumentsJson) {
        return calls.call(agent, allowed, server, tool, argumentsJson);
    }

    /** Waits up to 2 s for the servers to acknowledge, then stops every thread and connection it started. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Mono<Void>> closing = new ArrayList<>();
        connections.values().forEach(c -> closing.add(c.close()));
        try {
            Mono.when(closing).toFuture().get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "MCP clients did not close in time", e);
        }
        catalog = List.of();
        HttpClient h = httpClient;
        httpClient = null;
        if (h != null) {
            shutdownNow(h);
        }
        io.shutdownNow();
        try {
            io.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Schedulers.shutdownNow();
        firstAttempts.complete(null);
    }

    /** {@code HttpClient.shutdownNow()} exists from Java 21; on 17 the client ends once unreachable. */
    private static void shutdownNow(HttpClient client) {
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(client);
        } catch (NoSuchMethodException e) {
            // Java 17: nothing to call
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "HttpClient.shutdownNow failed", e);
        }
    }

    // ---- for McpConnection and ToolCalls

    McpConnection connection(String server) {
        return connections.get(server);
    }

    boolean isClosed() {
        return closed;
    }

    Options options() {
        return options;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    ToolEvents events() {
        return events;
    }

    McpJsonMapper json() {
        return json;
    }

    /** A builder whose {@code build()} returns the one shared client (the SDK builds one per transport). */
    HttpClient.Builder httpClientBuilder() {
        return new SharedHttpClientBuilder(this::sharedHttpClient);
    }

    private synchronized HttpClient sharedHttpClient() {
        HttpClient h = httpClient;
        if (h == null) {
            if (closed) {
                throw new IllegalStateException("MCP tools are shut down");
            }
            h = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(io)
                    .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
            httpClient = h;
        }
        return h;
    }

    /** Recomputes the function names over every server's current tools. */
    void catalogChanged() {
        synchronized (connections) {
            List<McpTool> all = new ArrayList<>();
            connections.values().forEach(c -> all.addAll(c.tools()));
            List<OfferedTool> offered = new ArrayList<>();
            FunctionNames.assign(all).forEach((tool, name) -> offered.add(new OfferedTool(name, tool)));
            catalog = closed ? List.of() : Collections.unmodifiableList(offered);
        }
    }

    /** A short description of a failure for logs, status and the model: no stack, no header value. */
    String describe(Throwable error) {
        Throwable shown = error;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            shown = t;
            if (t instanceof java.io.IOException || t instanceof TimeoutException || t instanceof McpError
                    || t instanceof io.modelcontextprotocol.spec.McpTransportException) {
                break;
            }
        }
        String m = shown.getMessage();
        String text = shown.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        text = scrub(text);
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    String scrub(String text) {
        for (String secret : secrets) {
            text = text.replace(secret, "***");
        }
        return text;
    }

    /** Completes {@link #firstAttempts()} once every server has reported up or down. */
    private final class FirstAttemptEvents implements ToolEvents {
        private final ToolEvents delegate;

        FirstAttemptEvents(ToolEvents delegate) {
            this.delegate = delegate;
        }

        @Override
        public void toolCalled(String agent, String server, String tool, ToolOutcome outcome, long durationNanos) {
            delegate.toolCalled(agent, server, tool, outcome, durationNanos);
        }

        @Override
        public void serverStatusChanged(String server, boolean up, String error) {
            delegate.serverStatusChanged(server, up, error);
            if (awaitingFirstAttempt.remove(server) && awaitingFirstAttempt.isEmpty()) {
                firstAttempts.complete(null);
            }
        }

        @Override
        public void toolsChanged(String server, int toolCount) {
            delegate.toolsChanged(server, toolCount);
        }
    }
}
