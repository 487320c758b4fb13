package dev.clawgate;

import dev.clawgate.agent.AgentRouter;
import dev.clawgate.auth.ClientAddress;
import dev.clawgate.cluster.RedisState;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.openai.ChatRequestParser;
import dev.clawgate.session.SessionStore;
import dev.clawgate.session.SessionStores;
import dev.clawgate.upstream.ProviderRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Everything one deployed gateway holds, built once at start-up from its {@link GatewayConfig} and closed at
 * undeploy: the agent router, the providers, the session store, the Redis connection of a cluster (only when
 * {@code gateway.state.redis.url} is set), one shared timer thread (heartbeats, echo pacing,
 * the session store's sweep for expired sessions every {@code min(idleTtlMs, 60 s)}, at least 1 s)
 * and the listeners told about every finished request. Filters and servlets find it as the servlet context
 * attribute {@link #ATTRIBUTE}.
 */
public final class Gateway implements AutoCloseable {
    public static final String ATTRIBUTE = Gateway.class.getName();

    private final GatewayConfig config;
    private final Clock clock;
    private final ClientAddress clientAddress;
    private final ScheduledThreadPoolExecutor scheduler;
    private final AgentRouter router;
    private final ProviderRegistry providers;
    private final SessionStore sessions;
    /** The shared state of a cluster ({@code gateway.state.redis.url}); null on a single node. */
    private final RedisState redis;
    /** Longest pause between two sweeps for expired sessions, ms; shorter when the idle TTL is. */
    private static final long PRUNE_PERIOD_MAX_MS = 60_000;

    private final ChatRequestParser parser = new ChatRequestParser();
    private final List<Consumer<RequestRecord>> requestListeners = new CopyOnWriteArrayList<>();
    private final long startedEpochSeconds;
    private volatile GatewayEvents events = GatewayEvents.NONE;
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
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "clawgate-timer");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.router = new AgentRouter(config);
        this.redis = config.state().redis() == null ? null
                : new RedisState(config.state().redis(), scheduler, this::events);
        try {
            this.sessions = store != null ? store : SessionStores.open(config, clock, redis, scheduler);
            this.providers = ProviderRegistry.create(config, scheduler, clock);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            if (redis != null) {
                redis.close();
            }
            throw e;
        }
        long prunePeriodMs = Math.max(1_000, Math.min(PRUNE_PERIOD_MAX_MS, config.state().idleTtlMs()));
        scheduler.scheduleWithFixedDelay(sessions::prune, prunePeriodMs, prunePeriodMs, TimeUnit.MILLISECONDS);
        this.startedEpochSeconds = clock.instant().getEpochSecond();
    }

    public GatewayConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    /** The one timer thread shared by every stream; tasks on it must be short and never block. */
    public ScheduledThreadPoolExecutor scheduler() {
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

    public ChatRequestParser parser() {
        return parser;
    }

    public long startedEpochSeconds() {
        return startedEpochSeconds;
    }

    /** Whether the gateway serves: not shutting down and its state store answers. */
    public boolean ready() {
        return !closing && sessions.healthy();
    }

    /** The observers' sink for counters (auth failures, lockouts, streams, upstream errors). Never null. */
    public GatewayEvents events() {
        return events;
    }

    /** Installs the events sink (metrics), once at start-up. */
    public void events(GatewayEvents events) {
        this.events = events == null ? GatewayEvents.NONE : events;
    }

    /** Registers a listener told about every finished chat request (logging, metrics). */
    public void onRequestFinished(Consumer<RequestRecord> listener) {
        requestListeners.add(listener);
    }

    /** Tells every listener; a failing listener never fails the request. */
    public void requestFinished(RequestRecord record) {
        events.requestFinished(record);
        for (Consumer<RequestRecord> l : requestListeners) {
            try {
                l.accept(record);
            } catch (RuntimeException e) {
                System.getLogger(Gateway.class.getName()).log(System.Logger.Level.WARNING,
                        "clawgate: request listener failed: " + e.getClass().getName());
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        try {
            providers.close();
        } finally {
            sessions.close();
        }
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * What happened to one chat request; holds no message content and no session key.
     *
     * @param requestId    the {@code x-request-id}
     * @param agent        agent id
     * @param sessionKind  stateless, user or header
     * @param stream       whether the client streamed
     * @param status       HTTP status sent (200 for a stream that failed after its headers)
     * @param outcome      ok, error, cancelled or timeout
     * @param errorType    OpenAI error type when the outcome is not ok, else null
     * @param durationNanos request start to end
     * @param ttftNanos    request start to first content or tool-call delta, -1 when none
     * @param promptTokens     usage, 0 when unknown
     * @param completionTokens usage, 0 when unknown
     */
    public record RequestRecord(String requestId, String agent, String sessionKind, boolean stream, int status,
                                String outcome, String errorType, long durationNanos, long ttftNanos,
                                long promptTokens, long completionTokens) {
    }
}
