package dev.clawgate.metrics;

import dev.clawgate.events.GatewayEvents;
import dev.clawgate.events.RequestRecord;
import dev.clawgate.config.BuildInfo;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's Prometheus metrics, kept in a registry of its own (never the global default, so a redeploy in the
 * same JVM starts clean) and fed through {@link GatewayEvents}. Every label value is bounded: agent ids come from
 * the configuration, key labels from the declared keys and users (anything else is {@code other}), the rest from
 * small fixed sets; no session key, user or request id is ever a label.
 *
 * <table>
 * <caption>Metrics</caption>
 * <tr><td>{@code clawgate_requests_total{agent,key,outcome,status,stream}}</td><td>finished chat requests; outcome
 *     is ok, error, cancelled or timeout; key is the caller: {@code operator}, a declared key or SSO user name, or
 *     {@code other}</td></tr>
 * <tr><td>{@code clawgate_key_tokens_total{key,agent,kind}}</td><td>tokens charged to each caller, kind prompt or
 *     completion</td></tr>
 * <tr><td>{@code clawgate_quota_rejections_total{key,kind}}</td><td>429s of a caller's own limits, kind requests or
 *     tokens</td></tr>
 * <tr><td>{@code clawgate_request_duration_seconds{agent,stream}}</td><td>histogram, request start to end</td></tr>
 * <tr><td>{@code clawgate_time_to_first_token_seconds{agent,stream}}</td><td>histogram, request start to the first
 *     content or tool-call delta</td></tr>
 * <tr><td>{@code clawgate_open_streams{agent}}</td><td>gauge, SSE streams open now</td></tr>
 * <tr><td>{@code clawgate_upstream_errors_total{agent,kind}}</td><td>failed upstream calls by kind</td></tr>
 * <tr><td>{@code clawgate_upstream_fallbacks_total{agent,from,to}}</td><td>upstream models given up before they
 *     answered for the next of the agent's fallbacks; {@code from} and {@code to} are configured
 *     {@code <provider>/<model>} names (a model a request chose through {@code <provider>/*} counts as that)</td></tr>
 * <tr><td>{@code clawgate_prompt_tokens_total{agent}}, {@code clawgate_completion_tokens_total{agent}}</td>
 *     <td>usage reported by the upstream</td></tr>
 * <tr><td>{@code clawgate_auth_failures_total}</td><td>401s</td></tr>
 * <tr><td>{@code clawgate_auth_lockouts_total}</td><td>429s of the failed-auth lockout</td></tr>
 * <tr><td>{@code clawgate_rate_limited_total}</td><td>429s of the request rate limiter</td></tr>
 * <tr><td>{@code clawgate_cancelled_runs_total{agent}}</td><td>runs cancelled because the client went away</td></tr>
 * <tr><td>{@code clawgate_build_info{version,commit}}</td><td>always 1: the build that runs ({@link BuildInfo})</td></tr>
 * <tr><td>{@code clawgate_state_store_errors_total{kind}}</td><td>failed Redis calls: ratelimit, lockout, session,
 *     ping</td></tr>
 * <tr><td>{@code clawgate_tool_calls_total{agent,server,tool,outcome}}</td><td>server (MCP) tool calls the gateway
 *     made; server is a configured name, tool one the server listed (at most {@value #MAX_TOOL_LABELS} distinct
 *     server/tool pairs, then {@code _other}); outcome ok, tool_error, timeout, unavailable, invalid_arguments,
 *     not_allowed, unknown_tool, failed or cancelled</td></tr>
 * <tr><td>{@code clawgate_tool_call_duration_seconds{server,tool}}</td><td>histogram, tool call to its result</td></tr>
 * <tr><td>{@code clawgate_mcp_server_up{server}}</td><td>gauge, 1 while the MCP server is connected and its tools
 *     listed, 0 while it is down</td></tr>
 * <tr><td>{@code jvm_memory_*}, {@code jvm_threads_*}</td><td>the JVM's memory areas and pools, thread counts and
 *     states (read from the MXBeans at scrape time)</td></tr>
 * </table>
 * The per-agent series are bound once at start-up, so the request path does a map lookup and an add. Exemplars are
 * off: the client samples them on a static timer thread that nothing can stop, which would outlive an undeploy
 * (Tomcat reports it as a leak).
 */
public final class GatewayMetrics implements GatewayEvents {
    private static final double[] DURATION_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
    private static final double[] TTFT_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double[] TOOL_BUCKETS = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
    /** Most distinct server/tool label pairs; a server that renames its tools cannot grow the series further. */
    static final int MAX_TOOL_LABELS = 1024;
    private static final String UNKNOWN = "_unknown";

    private static final String OPERATOR = "operator";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter upstreamErrors;
    private final Counter fallbacks;
    /** The configured {@code <provider>/<model>} names: the only model label values. */
    private final Set<String> models;
    private final Counter keyTokens;
    private final Counter quotaRejections;
    private final CounterDataPoint authFailures;
    private final CounterDataPoint lockouts;
    private final CounterDataPoint rateLimited;
    /** Redis failures by kind: ratelimit, lockout, session, ping (a fixed set, bound at start-up). */
    private final Map<String, CounterDataPoint> stateStoreErrors = new HashMap<>();
    private final Map<String, AgentSeries> byAgent = new HashMap<>();
    private final Counter toolCalls;
    private final Histogram toolDuration;
    private final Map<String, GaugeDataPoint> serverUp = new HashMap<>();
    private final Set<String> toolLabels = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Registers every metric and binds the per-agent series of {@code agents} (the configured agent ids). */
    public GatewayMetrics(Collection<String> agents) {
        this(agents, Set.of(), Set.of(), BuildInfo.current());
    }

    /**
     * As {@link #GatewayMetrics(Collection)}; {@code models} are the configured {@code <provider>/<model>} names
     * (agents' models, fallbacks and allowed models), the label values of {@code clawgate_upstream_fallbacks_total}.
     */
    public GatewayMetrics(Collection<String> agents, Collection<String> models) {
        this(agents, models, Set.of(), BuildInfo.current());
    }

    /**
     * As {@link #GatewayMetrics(Collection, Collection)}, with the configured MCP {@code servers}, the only server
     * labels of the tool metrics.
     */
    public GatewayMetrics(Collection<String> agents, Collection<String> models, Collection<String> servers) {
        this(agents, models, servers, BuildInfo.current());
    }

    /** As {@link #GatewayMetrics(Collection)}, with {@code build} as the labels of {@code clawgate_build_info}. */
    public GatewayMetrics(Collection<String> agents, BuildInfo build) {
        this(agents, Set.of(), Set.of(), build);
    }

    private GatewayMetrics(Collection<String> agents, Collection<String> models, Collection<String> servers,
                           BuildInfo build) {
        this.models = Set.copyOf(models);
        Info.builder().name("clawgate_build_info").help("The build of clawgate that runs (always 1)")
                .labelNames("version", "commit").register(registry).setLabelValues(build.version(), build.commit());
        requests = counter("clawgate_requests", "Finished chat completion requests",
                "agent", "key", "outcome", "status", "stream");
        keyTokens = counter("clawgate_key_tokens", "Tokens charged to each caller (key or user)",
                "key", "agent", "kind");
        quotaRejections = counter("clawgate_quota_rejections", "Requests refused by a caller's own limits (429)",
                "key", "kind");
        Histogram duration = histogram("clawgate_request_duration_seconds", "Chat request duration, start to end",
                DURATION_BUCKETS);
        Histogram ttft = histogram("clawgate_time_to_first_token_seconds",
                "Chat request start to the first content or tool-call delta", TTFT_BUCKETS);
        Gauge openStreams = Gauge.builder().name("clawgate_open_streams").help("SSE streams open now")
                .labelNames("agent").withoutExemplars().register(registry);
        upstreamErrors = counter("clawgate_upstream_errors", "Failed upstream calls by kind", "agent", "kind");
        fallbacks = counter("clawgate_upstream_fallbacks",
                "Upstream models given up before they answered for the agent's next fallback", "agent", "from", "to");
        Counter promptTokens = counter("clawgate_prompt_tokens", "Prompt tokens reported by the upstream", "agent");
        Counter completionTokens = counter("clawgate_completion_tokens", "Completion tokens reported by the upstream",
                "agent");
        Counter cancelled = counter("clawgate_cancelled_runs", "Runs cancelled because the client went away", "agent");
        authFailures = counter("clawgate_auth_failures", "Requests refused with 401 (missing or wrong bearer secret)");
        lockouts = counter("clawgate_auth_lockouts", "Requests refused by the failed-auth lockout (429)");
        rateLimited = counter("clawgate_rate_limited", "Requests refused by the request rate limiter (429)");
        Counter storeErrors = counter("clawgate_state_store_errors",
                "Failed or timed-out calls to the shared state store (Redis) by kind", "kind");
        for (String kind : new String[] {"ratelimit", "lockout", "session", "ping", "quota", "sentinel"}) {
            stateStoreErrors.put(kind, storeErrors.labelValues(kind));
        }
        toolCalls = counter("clawgate_tool_calls", "Server (MCP) tool calls by agent, server, tool and outcome",
                "agent", "server", "tool", "outcome");
        toolDuration = Histogram.builder().name("clawgate_tool_call_duration_seconds").unit(Unit.SECONDS)
                .help("Server (MCP) tool call to its result").labelNames("server", "tool").classicOnly()
                .classicUpperBounds(TOOL_BUCKETS).withoutExemplars().register(registry);
        Gauge up = Gauge.builder().name("clawgate_mcp_server_up").help("1 while the MCP server is connected, else 0")
                .labelNames("server").withoutExemplars().register(registry);
        for (String server : servers) {
            serverUp.put(server, up.labelValues(server));
        }
        // heap and threads only: the all-in-one JvmMetrics adds a GC notification listener that would pin the
        // webapp's class loader after an undeploy
        JvmMemoryMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        for (String agent : agents) {
            byAgent.put(agent, new AgentSeries(
                    requests.labelValues(agent, OPERATOR, "ok", "200", "true"),
                    requests.labelValues(agent, OPERATOR, "ok", "200", "false"),
                    duration.labelValues(agent, "true"), duration.labelValues(agent, "false"),
                    ttft.labelValues(agent, "true"), ttft.labelValues(agent, "false"),
                    openStreams.labelValues(agent), promptTokens.labelValues(agent),
                    completionTokens.labelValues(agent), cancelled.labelValues(agent)));
        }
    }

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
    }

    private Histogram histogram(String name, String help, double[] buckets) {
        return Histogram.builder().name(name).unit(Unit.SECONDS).help(help).labelNames("agent", "stream")
                .classicOnly().classicUpperBounds(buckets).withoutExemplars().register(registry);
    }

    /** The registry the {@code /metrics} servlet exposes. */
    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void authFailed() {
        authFailures.inc();
    }

    @Override
    public void authLockedOut() {
        lockouts.inc();
    }

    @Override
    public void rateLimited() {
        rateLimited.inc();
    }

    @Override
    public void quotaRejected(String key, String kind) {
        quotaRejections.labelValues(key, kind).inc();
    }

    @Override
    public void streamOpened(String agent) {
        AgentSeries s = byAgent.get(agent);
        if (s != null) {
            s.openStreams.inc();
        }
    }

    @Override
    public void streamClosed(String agent) {
        AgentSeries s = byAgent.get(agent);
        if (s != null) {
            s.openStreams.dec();
        }
    }

    @Override
    public void stateStoreError(String kind) {
        CounterDataPoint c = stateStoreErrors.get(kind);
        if (c != null) {
            c.inc();
        }
    }

    @Override
    public void upstreamError(String agent, String kind) {
        if (byAgent.containsKey(agent)) {
            upstreamErrors.labelValues(agent, kind).inc();
        }
    }

    @Override
    public void upstreamFallback(String agent, String from, String to) {
        if (byAgent.containsKey(agent)) {
            fallbacks.labelValues(agent, label(from), label(to)).inc();
        }
    }

    /** A configured model name as is; any other model of a provider as {@code <provider>/*}. */
    private String label(String model) {
        if (models.contains(model)) {
            return model;
        }
        int slash = model.indexOf('/');
        String wildcard = slash > 0 ? model.substring(0, slash) + "/*" : "other";
        return models.contains(wildcard) ? wildcard : "other";
    }

    @Override
    public void toolCalled(String agent, String server, String tool, String outcome, long durationNanos) {
        if (!byAgent.containsKey(agent)) {
            return;
        }
        String s = serverUp.containsKey(server) ? server : UNKNOWN;
        String t = s.equals(UNKNOWN) ? UNKNOWN : toolLabel(s, tool);
        toolCalls.labelValues(agent, s, t, outcome).inc();
        toolDuration.labelValues(s, t).observe(durationNanos / 1e9);
    }

    /** The tool's own name while fewer than {@link #MAX_TOOL_LABELS} pairs are in use, then {@code _other}. */
    private String toolLabel(String server, String tool) {
        String pair = server + '/' + tool;
        if (toolLabels.contains(pair)) {
            return tool;
        }
        if (toolLabels.size() < MAX_TOOL_LABELS) {
            toolLabels.add(pair);
            return tool;
        }
        return "_other";
    }

    @Override
    public void mcpServerChanged(String server, boolean up) {
        GaugeDataPoint g = serverUp.get(server);
        if (g != null) {
            g.set(up ? 1 : 0);
        }
    }

    @Override
    public void requestFinished(RequestRecord r) {
        AgentSeries s = byAgent.get(r.agent());
        if (s == null) {
            return;
        }
        String key = r.callerLabel() == null ? OPERATOR : r.callerLabel();
        if (r.status() == 200 && "ok".equals(r.outcome()) && key.equals(OPERATOR)) {
            (r.stream() ? s.okStream : s.okPlain).inc();
        } else {
            requests.labelValues(r.agent(), key, r.outcome(), Integer.toString(r.status()),
                    Boolean.toString(r.stream())).inc();
        }
        if ("cancelled".equals(r.outcome())) {
            s.cancelled.inc();
        }
        (r.stream() ? s.durationStream : s.durationPlain).observe(r.durationNanos() / 1e9);
        if (r.ttftNanos() >= 0) {
            (r.stream() ? s.ttftStream : s.ttftPlain).observe(r.ttftNanos() / 1e9);
        }
        if (r.promptTokens() > 0) {
            s.promptTokens.inc(r.promptTokens());
            keyTokens.labelValues(key, r.agent(), "prompt").inc(r.promptTokens());
        }
        if (r.completionTokens() > 0) {
            s.completionTokens.inc(r.completionTokens());
            keyTokens.labelValues(key, r.agent(), "completion").inc(r.completionTokens());
        }
    }

    private record AgentSeries(CounterDataPoint okStream, CounterDataPoint okPlain,
                               DistributionDataPoint durationStream, DistributionDataPoint durationPlain,
                               DistributionDataPoint ttftStream, DistributionDataPoint ttftPlain,
                               GaugeDataPoint openStreams, CounterDataPoint promptTokens,
                               CounterDataPoint completionTokens, CounterDataPoint cancelled) {
    }
}
