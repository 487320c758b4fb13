package dev.clawgate;

import dev.clawgate.agent.AgentRunner;
import dev.clawgate.auth.AuthLockout;
import dev.clawgate.auth.BearerAuthFilter;
import dev.clawgate.auth.Lockout;
import dev.clawgate.auth.RedisLockout;
import dev.clawgate.config.ConfigException;
import dev.clawgate.config.ConfigLoader;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.http.BodyBudget;
import dev.clawgate.http.BodyLimits;
import dev.clawgate.http.ChatCompletionsServlet;
import dev.clawgate.http.CorsFilter;
import dev.clawgate.http.EmbeddingsServlet;
import dev.clawgate.http.ErrorPageServlet;
import dev.clawgate.http.HealthServlet;
import dev.clawgate.http.ModelsServlet;
import dev.clawgate.http.NotFoundServlet;
import dev.clawgate.http.ResponsesServlet;
import dev.clawgate.http.RouteFilter;
import dev.clawgate.http.SessionsServlet;
import dev.clawgate.metrics.GatewayMetrics;
import dev.clawgate.metrics.MetricsServlet;
import dev.clawgate.metrics.RequestLog;
import dev.clawgate.metrics.UpstreamFailureLog;
import dev.clawgate.openai.ChatRequestParser;
import dev.clawgate.openai.RequestLimits;
import dev.clawgate.openai.responses.ResponsesRequestParser;
import dev.clawgate.ratelimit.CallerLimitFilter;
import dev.clawgate.ratelimit.MemoryTokenQuotas;
import dev.clawgate.ratelimit.RateLimitFilter;
import dev.clawgate.ratelimit.RateLimiter;
import dev.clawgate.ratelimit.RedisRateLimiter;
import dev.clawgate.ratelimit.RedisTokenQuotas;
import dev.clawgate.ratelimit.RequestRateLimiter;
import dev.clawgate.session.ReadOnlySessions;
import dev.clawgate.session.SessionKeys;
import dev.clawgate.session.StoredResponses;
import dev.clawgate.ratelimit.TokenQuotas;
import dev.clawgate.trace.TracePropagator;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The composition root. At start-up it reads the configuration (system properties, then the context init parameters,
 * which is where the container's overrides land, then the JSON file), builds the {@link Gateway}, then builds every
 * filter and servlet with the collaborators it needs and registers them, async-supported, in the order
 * {@code web.xml} documents: filters route → cors → auth → rate-limit → caller-limits on {@code /*}; servlets
 * chat-completions, responses, embeddings, sessions, models, health, metrics (load on start-up), error-page (web.xml's default error page) and
 * not-found on {@code /}. A bad key fails the deployment with one log line naming it; a start-up that fails after the
 * gateway was built closes it first (providers, store, timer: no thread is left behind). Every finished request goes
 * to the access log ({@link RequestLog}, its own thread) and, when its provider failed, to
 * {@link UpstreamFailureLog}. At undeploy it stops every thread the gateway started, then publishes the queued access
 * lines and stops the log's thread. This is the only class that knows every package; no filter or servlet looks
 * anything up.
 *
 * <p>The gateway's wall clock (expiry of keys, token quota windows, created times, lockout windows) is the system
 * clock in UTC, unless whoever deploys the WAR puts a {@link Clock} in the servlet context attribute
 * {@link #CLOCK_ATTRIBUTE} before it starts (tests use a fake one to move quota windows without sleeping).
 */
public final class GatewayListener implements ServletContextListener {
    /** Servlet context attribute an embedder may set to the {@link Clock} the gateway should use. */
    public static final String CLOCK_ATTRIBUTE = "dev.clawgate.clock";
    private static final System.Logger LOG = System.getLogger(GatewayListener.class.getName());

    private Gateway gateway;
    private RequestLog requestLog;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            params.put(name, context.getInitParameter(name));
        }
        GatewayConfig config;
        try {
            config = ConfigLoader.fromSystem(params).load();
            Clock clock = context.getAttribute(CLOCK_ATTRIBUTE) instanceof Clock c ? c : Clock.systemUTC();
            gateway = new Gateway(config, clock);
        } catch (ConfigException e) {
            LOG.log(Level.ERROR, "clawgate: invalid configuration: " + e.getMessage());
            throw new IllegalStateException("clawgate: invalid configuration: " + e.getMessage());
        }
        try {
            requestLog = new RequestLog(gateway.clock(),
                    config.accessLogFormat() == GatewayConfig.AccessLogFormat.JSON);
            gateway.onRequestFinished(requestLog::add);
            gateway.onRequestFinished(new UpstreamFailureLog(gateway.scheduler())::add);
            GatewayMetrics metrics = null;
            if (config.metrics().enabled()) {
                metrics = new GatewayMetrics(config.agents().keySet(), modelNames(config),
                        config.mcp().servers().keySet());
                gateway.events(metrics);
            }
            register(context, gateway, metrics);
            context.setAttribute(Gateway.ATTRIBUTE, gateway);
            StartupSummary.log(config);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "clawgate: start-up failed: " + e.getMessage());
            closeQuietly(e);
            throw e;
        }
    }

    /** Closes the gateway of a failed start-up; whatever closing throws is kept on {@code cause}. */
    private void closeQuietly(Throwable cause) {
        try {
            gateway.close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        } finally {
            gateway = null;
            if (requestLog != null) {
                requestLog.close(); // stops the log's thread
                requestLog = null;
            }
        }
    }

    /** Builds the filter chain and the servlets over {@code g} and registers them, in web.xml's documented order. */
    static void register(ServletContext context, Gateway g, GatewayMetrics metrics) {
        GatewayConfig config = g.config();
        GatewayConfig.Auth auth = config.auth();
        GatewayConfig.Http http = config.http();
        Lockout lockout = g.redis() == null
                ? new AuthLockout(g.clock(), auth.maxAttempts(), auth.windowMs(), auth.lockoutMs(),
                        auth.maxTrackedClients(), auth.ipv6Prefix())
                : new RedisLockout(g.redis(), g.clock(), auth.maxAttempts(), auth.windowMs(), auth.lockoutMs(),
                        auth.ipv6Prefix());
        RateLimiter limiter = !http.rateLimitEnabled() ? null : g.redis() == null
                ? new RequestRateLimiter(g.scheduler(), http.requestsPerMinute(), http.burst(),
                        http.maxTrackedClients())
                : new RedisRateLimiter(g.redis(), http.requestsPerMinute(), http.burst());
        TokenQuotas quotas = g.redis() == null ? new MemoryTokenQuotas(g.clock())
                : new RedisTokenQuotas(g.redis(), g.clock());

        filter(context, "route", new RouteFilter(config));
        filter(context, "cors", new CorsFilter(http.corsAllowedOrigins()));
        filter(context, "auth", new BearerAuthFilter(auth, config.metrics().auth(), lockout, g.clientAddress(),
                g.events(), g.callers(), config));
        filter(context, "rate-limit", new RateLimitFilter(limiter, g.clientAddress(), g.events(),
                http.requestsPerMinute()));
        filter(context, "caller-limits", new CallerLimitFilter(rpm -> g.redis() == null
                ? new RequestRateLimiter(g.scheduler(), rpm, rpm, http.maxTrackedClients())
                : new RedisRateLimiter(g.redis(), rpm, rpm), quotas, g.events()));

        AgentRunner runner = new AgentRunner(g.providers(), g.sessions(), g.scheduler(), http.maxReplyBytes(),
                g.tools());
        TracePropagator tracing = new TracePropagator(config.tracingGenerate());
        ChatCompletionsServlet.Services services = new ChatCompletionsServlet.Services(runner, g.scheduler(),
                g.clock(), g.events(), http.heartbeatMs(), http.streamTimeoutMs(), http.maxQueuedBytes(),
                http.disconnectCheckMs(), quotas, tracing);
        GatewayConfig.Limits l = config.limits();
        ChatRequestParser parser = new ChatRequestParser(new RequestLimits(l.maxModelChars(), l.maxUserChars(),
                l.maxHeaderChars(), l.maxMessages(), l.maxContentParts(), l.maxPassThroughBytes(), l.maxChoices()));
        BodyLimits bodyLimits = new BodyLimits(http.maxBodyBytes(), http.bodyTimeoutMs(),
                new BodyBudget(http.maxBodyBytesInFlight()), g.scheduler());
        SessionKeys sessionKeys = new SessionKeys(config.sessions().keyHeaders(),
                config.sessions().userNamesSession());
        servlet(context, "chat-completions", new ChatCompletionsServlet(parser, g.router(), services, sessionKeys,
                bodyLimits), 1, "/v1/chat/completions");
        servlet(context, "embeddings", new EmbeddingsServlet(parser, g.router(), services, bodyLimits), 1,
                "/v1/embeddings");
        servlet(context, "sessions", new SessionsServlet(parser, g.router(), runner, sessionKeys, bodyLimits,
                http.streamTimeoutMs()), 1, "/v1/sessions");
        ChatCompletionsServlet.Services readOnly = new ChatCompletionsServlet.Services(
                new AgentRunner(g.providers(), new ReadOnlySessions(g.sessions()), g.scheduler(), http.maxReplyBytes(),
                        g.tools()),
                g.scheduler(), g.clock(), g.events(), http.heartbeatMs(), http.streamTimeoutMs(), http.maxQueuedBytes(),
                http.disconnectCheckMs(), quotas, tracing);
        servlet(context, "responses", new ResponsesServlet(new ResponsesRequestParser(), g.router(), services,
                readOnly, new StoredResponses(g.sessions()), bodyLimits), 1, "/v1/responses", "/v1/responses/*");
        servlet(context, "models", new ModelsServlet(g.router(), g.startedEpochSeconds()), 1,
                "/v1/models", "/v1/models/*");
        servlet(context, "health", new HealthServlet(g::ready, g::readinessDetail), 1, "/healthz", "/readyz");
        servlet(context, "metrics", new MetricsServlet(metrics), 1, "/metrics");
        servlet(context, "error-page", new ErrorPageServlet(), -1, ErrorPageServlet.PATH);
        servlet(context, "not-found", new NotFoundServlet(), -1, "/");
    }

    /** Every configured {@code <provider>/<model>} (agents' models, fallbacks, allowed and embedding models). */
    static java.util.Set<String> modelNames(GatewayConfig config) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (GatewayConfig.AgentSpec a : config.agents().values()) {
            names.add(a.modelRef().toString());
            a.fallbacks().forEach(m -> names.add(m.toString()));
            a.allowedModels().forEach(m -> names.add(m.toString()));
            if (a.embeddingModel() != null) {
                names.add(a.embeddingModel().toString());
            }
        }
        return names;
    }

    private static void filter(ServletContext context, String name, Filter filter) {
        FilterRegistration.Dynamic r = context.addFilter(name, filter);
        r.setAsyncSupported(true);
        r.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    private static void servlet(ServletContext context, String name, Servlet servlet, int loadOnStartup,
                                String... patterns) {
        ServletRegistration.Dynamic r = context.addServlet(name, servlet);
        r.setAsyncSupported(true);
        if (loadOnStartup >= 0) {
            r.setLoadOnStartup(loadOnStartup);
        }
        java.util.Set<String> clashes = r.addMapping(patterns);
        if (!clashes.isEmpty()) {
            throw new IllegalStateException("clawgate: paths already mapped by the container: " + clashes);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (gateway == null) {
            return;
        }
        event.getServletContext().removeAttribute(Gateway.ATTRIBUTE);
        try {
            gateway.close();
        } finally {
            gateway = null;
            if (requestLog != null) {
                requestLog.close(); // after the gateway: runs cancelled by its close still get their line
                requestLog = null;
            }
        }
    }
}
