package dev.clawgate;

import dev.clawgate.agent.AgentRouter;
import dev.clawgate.auth.CallerDirectory;
import dev.clawgate.auth.ClientAddress;
import dev.clawgate.auth.KeysFileWatcher;
import dev.clawgate.cluster.RedisState;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.events.EventHub;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.events.RequestRecord;
import dev.clawgate.mcp.McpToolbox;
import dev.clawgate.mcp.ServerStatus;
import dev.clawgate.mcp.ToolEvents;
import dev.clawgate.mcp.ToolOutcome;
import dev.clawgate.openai.JsonText;
import dev.clawgate.session.SessionStore;
import dev.clawgate.session.SessionStores;
import dev.clawgate.time.OwnedThreads;
import dev.clawgate.time.SystemScheduler;
import dev.clawgate.upstream.ProviderRegistry;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The long-lived parts of one deployed gateway, built once at start-up from its {@link GatewayConfig} by
 * {@link GatewayListener} and closed at undeploy: the agent router, the providers, the session store, the Redis
 * connection of a cluster (only when {@code gateway.state.redis.url} is set), the one timer ({@link SystemScheduler}:
 * heartbeats, echo pacing, upstream silence, lock renewal, the session sweep every {@code min(idleTtlMs, 60 s)}, at
 * least 1 s), the events hub, the callers ({@link CallerDirectory}: client keys and SSO users) with the watcher
 * of {@code gateway.auth.keysFile} and its one file-reading thread ({@code clawgate-keys}, only when the file is set)
 * and, when {@code mcp.servers.*} is set, the MCP toolbox (closed last at undeploy). The listener hands these to the
 * filters and servlets it builds; nothing looks the
 * gateway up. It is published as the servlet context attribute {@link #ATTRIBUTE} only for operators' and tests'
 * inspection.
 */
public final class Gateway implements AutoCloseable {
    public static final String ATTRIBUTE = Gateway.class.getName();
    /** Longest pause between two sweeps for expired sessions, ms; shorter when the idle TTL is. */
    private static final long PRUNE_PERIOD_MAX_MS = 60_000;
    /** Longest wait at undeploy for the timer thread to end, ms. */
    static final long TIMER_EXIT_WAIT_MS = 5_000;
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final GatewayConfig config;
    private final Clock clock;
    private final ClientAddress clientAddress;
    private final SystemScheduler scheduler = new SystemScheduler();
    private final EventHub events = new EventHub();
    private final AgentRouter router;
    private final ProviderRegistry providers;
    private final SessionStore sessions;
    /** The shared state of a cluster ({@code gateway.state.redis.url}); null on a single node. */
    private final RedisState redis;
    /** The MCP servers' tools ({@code mcp.servers.*}); null when none are configured. */
    private final McpToolbox tools;
    /** Reconnects and tool-call timeouts of the MCP servers; null when none are configured. */
    private final ScheduledThreadPoolExecutor mcpTimer;
    /** The MCP timer's thread, joined at undeploy. */
    private final OwnedThreads mcpTimerThreads = new OwnedThreads("clawgate-mcp-timer", false);
    private final long startedEpochSeconds;
    private final CallerDirectory callers;
    /** Reads the keys file; null unless gateway.auth.keysFile is set. */
    private final ExecutorService keysIo;
    private final KeysFileWatcher keysWatcher;
    private volatile boolean closing;

    /**
     * @throws dev.clawgate.config.ConfigException when the Redis of {@code gateway.state.redis.url} does not answer
     */
    public Gateway(GatewayConfig config, Clock clock) {
        this(config, clock, null);
    }

    /**
     * A gateway on the given session store, which it closes at {@link #close()}; null: the store the configuration
     * asks for ({@link SessionStores}, Redis when {@code gateway.state.redis.url} is set).
     */
    public Gateway(GatewayConfig config, Clock clock, SessionStore store) {
        this.config = config;
        this.clock = clock;
        this.clientAddress = new ClientAddress(config.trustedProxyRanges());
        this.router = new AgentRouter(config);
        this.callers = new CallerDirectory(config.access(), clock);
        RedisState r = null;
        ExecutorService io = null;
        KeysFileWatcher watcher = null;
        SessionStore s = null;
        try {
            if (config.access().keysFile() != null) {
                io = keysExecutor();
                watcher = new KeysFileWatcher(config, callers, io);
                watcher.start(scheduler);
            }
            this.keysIo = io;
            this.keysWatcher = watcher;
            r = config.state().redis() == null ? null
                    : new RedisState(config.state().redis(), scheduler, events::stateStoreError);
            this.redis = r;
            s = store != null ? store : SessionStores.open(config, clock, redis, scheduler);
            this.sessions = s;
            this.providers = ProviderRegistry.create(config, scheduler, clock);
        } catch (RuntimeException | Error e) {
            // close what was built, in the order close() does, and leave no thread behind
            scheduler.close();
            if (io != null) {
                io.shutdownNow();
            }
            closeQuietly(s, e);
            scheduler.shutdown(5_000);
            closeQuietly(r, e);
            throw e;
        }
        this.mcpTimer = config.mcp().servers().isEmpty() ? null : mcpTimer();
        this.tools = mcpTimer == null ? null : McpToolbox.start(config.mcp(), McpToolbox.Options.defaults(), mcpTimer,
                toolEvents(events)); // connects in the background: a server that is down fails nothing
        long prunePeriodMs = Math.max(1_000, Math.min(PRUNE_PERIOD_MAX_MS, config.state().idleTtlMs()));
        scheduler.scheduleWithFixedDelay(sessions::prune, prunePeriodMs, prunePeriodMs, TimeUnit.MILLISECONDS);
        this.startedEpochSeconds = clock.instant().getEpochSecond();
    }

    /** One daemon thread that reads the keys file, with room for one queued check. */
    private static ExecutorService keysExecutor() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(1), task -> {
            Thread t = new Thread(task, "clawgate-keys");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /** The client keys and SSO users auth looks callers up in. */
    public CallerDirectory callers() {
        return callers;
    }

    public GatewayConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    /** The one timer and time source shared by every stream; tasks on it must be short and never block. */
    public SystemScheduler scheduler() {
        return scheduler;
    }

    /** Resolves a request's client address (trusted proxies applied), shared by the lockout and the rate limiter. */
    public ClientAddress clientAddress() {
        return clientAddress;
    }

    public AgentRouter router() {
        return router;
    }

    public ProviderRegistry providers() {
        return providers;
    }

    public SessionStore sessions() {
        return sessions;
    }

    /** The Redis connection shared by lockout, rate limit and sessions; null unless gateway.state.redis.url is set. */
    public RedisState redis() {
        return redis;
    }

    private ScheduledThreadPoolExecutor mcpTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, mcpTimerThreads);
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** The toolbox's reports as gateway events (metrics). */
    private static ToolEvents toolEvents(EventHub events) {
        return new ToolEvents() {
            @Override
            public void toolCalled(String agent, String server, String tool, ToolOutcome outcome, long nanos) {
                events.toolCalled(agent, server, tool, outcome.label(), nanos);
            }

            @Override
            public void serverStatusChanged(String server, boolean up, String error) {
                events.mcpServerChanged(server, up);
            }
        };
    }

    /** The MCP servers' tools, or null when no {@code mcp.servers.*} is configured. */
    public McpToolbox tools() {
        return tools;
    }

    /**
     * The {@code /readyz} detail: {@code "mcp":{"<server>":{"up":true,"tools":12},…}} naming each MCP server and
     * whether it is connected (its error is logged, not shown: {@code /readyz} needs no auth); null without servers.
     * A server that is down does not make the gateway unready: its tools are absent, the agents still answer.
     */
    public String readinessDetail() {
        if (tools == null) {
            return null;
        }
        StringBuilder b = new StringBuilder("\"mcp\":{");
        boolean first = true;
        for (ServerStatus s : tools.statuses()) {
            JsonText.quote(b.append(first ? "" : ","), s.name()).append(":{\"up\":").append(s.up())
                    .append(",\"tools\":").append(s.toolCount()).append('}');
            first = false;
        }
        return b.append('}').toString();
    }

    public long startedEpochSeconds() {
        return startedEpochSeconds;
    }

    /** Whether the gateway serves: not shutting down and its state store answers. */
    public boolean ready() {
        return !closing && sessions.healthy();
    }

    /** The events every filter and servlet reports to (it forwards to the installed sink and listeners). */
    public EventHub events() {
        return events;
    }

    /** Installs the events sink (metrics); may be replaced later (tests observe through it). */
    public void events(GatewayEvents sink) {
        events.sink(sink);
    }

    /** Registers a listener told about every finished chat request (logging, metrics). */
    public void onRequestFinished(Consumer<RequestRecord> listener) {
        events.onRequestFinished(listener);
    }

    private static void closeQuietly(AutoCloseable c, Throwable cause) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Stops everything the gateway started and waits for it, so that no thread of the webapp is alive when undeploy
     * returns: the timer stops taking tasks, each provider cancels its runs and stops its HTTP client (whose stop
     * joins its threads), the session store stops and joins its threads (at most 6 s), the timer thread is joined
     * (at most {@value #TIMER_EXIT_WAIT_MS} ms), then the Redis client shuts down and waits for its threads, and last
     * the MCP toolbox closes its connections and its timer thread is joined (at most 1 s). A part that fails or does
     * not end in time is logged; the parts after it are still closed.
     */
    @Override
    public void close() {
        closing = true;
        scheduler.close();
        if (keysWatcher != null) {
            keysWatcher.close();
            keysIo.shutdownNow();
        }
        try {
            providers.close();
        } finally {
            try {
                sessions.close();
            } finally {
                if (!scheduler.shutdown(TIMER_EXIT_WAIT_MS)) {
                    LOG.log(System.Logger.Level.WARNING, "clawgate: the timer thread did not end within "
                            + TIMER_EXIT_WAIT_MS + " ms");
                }
                if (redis != null) {
                    redis.close();
                }
            }
        }
        if (tools != null) { // last: it shuts down Reactor's schedulers, which are global to this web application
            tools.close();
            mcpTimer.shutdownNow();
            if (!mcpTimerThreads.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(1))) {
                LOG.log(System.Logger.Level.WARNING, "clawgate: the MCP timer thread did not end within 1000 ms");
            }
        }
    }
}
