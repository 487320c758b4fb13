package dev.clawgate.agent;

import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.config.GatewayConfig.ModelRef;
import dev.clawgate.mcp.McpToolbox;
import dev.clawgate.mcp.ToolAllowlist;
import dev.clawgate.mcp.ToolOffer;
import dev.clawgate.openai.EmbeddingsRequest;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionStore;
import dev.clawgate.time.Scheduler;
import dev.clawgate.time.Ticker;
import dev.clawgate.trace.TraceContext;
import dev.clawgate.upstream.ProviderRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Makes {@link AgentRun}s: holds what every run shares (the providers, the session store, the timer, the MCP
 * toolbox), so a front end needs only this one collaborator to run an agent. A run of an agent with
 * {@code agents.<id>.mcpServers} is offered the allowed tools its servers list at the run's start.
 */
public final class AgentRunner {
    private final ProviderRegistry providers;
    private final SessionStore sessions;
    private final Scheduler scheduler;
    private final long maxReplyBytes;
    private final McpToolbox toolbox;

    /** A runner whose replies are not cut and without server tools (tests and tools). */
    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Scheduler scheduler) {
        this(providers, sessions, scheduler, Long.MAX_VALUE, null);
    }

    /** A runner without server tools. */
    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Scheduler scheduler, long maxReplyBytes) {
        this(providers, sessions, scheduler, maxReplyBytes, null);
    }

    /**
     * @param scheduler     the gateway's timer: run timings, and the waits before retries
     * @param maxReplyBytes {@code gateway.http.maxReplyBytes}: longest reply a run gathers (non-streaming or stored
     *                      session), UTF-8 bytes of its text, reasoning and tool-call names and arguments; a longer
     *                      one ends there with {@code finish_reason} {@code length}
     * @param toolbox       the MCP servers' tools, or null when none are configured
     */
    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Scheduler scheduler, long maxReplyBytes,
                       McpToolbox toolbox) {
        this.providers = providers;
        this.sessions = sessions;
        this.scheduler = scheduler;
        this.maxReplyBytes = maxReplyBytes;
        this.toolbox = toolbox;
    }

    /** The time source runs are measured on (request start, first delta, end). */
    public Ticker ticker() {
        return scheduler;
    }

    /**
     * A run of {@code request} that pushes into {@code sink} and reports its end to {@code onEnd}; call
     * {@link AgentRun#start()} once the front end is ready for its callbacks.
     */
    public AgentRun run(RunRequest request, ReplySink sink, Consumer<RunReport> onEnd) {
        ToolOffer offer = offer(request.agent());
        return new AgentRun(request, sink, calls(request.agent()), sessions, scheduler, maxReplyBytes, onEnd,
                offer == null ? RunTools.NONE : new RunTools(offer, maxReplyBytes));
    }

    /**
     * Sends {@code request} to the embedding model {@code model} ({@link AgentRouter#embeddingModel}) and tells
     * {@code reply} the outcome once; returns at once with the handle that cancels the call. The call carries
     * {@code trace} ({@link TraceContext#NONE}: not traced).
     */
    public Runnable embed(ModelRef model, EmbeddingsRequest request, TraceContext trace, Embeddings.Reply reply) {
        return Embeddings.embed(providers, model, request, trace, reply);
    }

    /**
     * Forgets the transcript of a stateful session ({@code DELETE /v1/sessions}) once the turns on it have ended;
     * completes with whether there was one.
     */
    public java.util.concurrent.CompletionStage<Boolean> forget(SessionKey session) {
        return sessions.delete(session.value());
    }

    /** The model calls of one run of {@code agent}: each through {@link Attempts} over the agent's chain. */
    ModelCalls calls(AgentSpec agent) {
        return new ModelCalls(agent.id(), chain(agent), scheduler);
    }

    /** The agent's model (or the one the request chose), then its fallbacks other than that one. */
    private List<Attempts.Target> chain(AgentSpec agent) {
        List<Attempts.Target> chain = new ArrayList<>(1 + agent.fallbacks().size());
        ModelRef first = agent.modelRef();
        chain.add(target(first));
        for (ModelRef fallback : agent.fallbacks()) {
            if (!fallback.equals(first)) {
                chain.add(target(fallback));
            }
        }
        return chain;
    }

    private Attempts.Target target(ModelRef ref) {
        return new Attempts.Target(ref.toString(), ref.model(), providers.get(ref.provider()),
                providers.maxRetries(ref.provider()), providers.retryMaxWaitMs(ref.provider()));
    }

    /** The server tools {@code agent} may call now; null when it has none (or every server of it is down). */
    private ToolOffer offer(AgentSpec agent) {
        if (toolbox == null || !agent.usesTools()) {
            return null;
        }
        ToolOffer offer = toolbox.offer(agent.id(), ToolAllowlist.of(agent));
        return offer.tools().isEmpty() ? null : offer;
    }
}
