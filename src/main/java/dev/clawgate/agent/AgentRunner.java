package dev.clawgate.agent;

import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.config.GatewayConfig.ModelRef;
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
 * Makes {@link AgentRun}s: holds what every run shares (the providers, the session store, the timer), so a front end
 * needs only this one collaborator to run an agent.
 */
public final class AgentRunner {
    private final ProviderRegistry providers;
    private final SessionStore sessions;
    private final Scheduler scheduler;
    private final long maxReplyBytes;

    /** A runner whose replies are not cut (tests and tools). */
    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Scheduler scheduler) {
        this(providers, sessions, scheduler, Long.MAX_VALUE);
    }

    /**
     * @param scheduler     the gateway's timer: run timings, and the waits before retries
     * @param maxReplyBytes {@code gateway.http.maxReplyBytes}: longest reply a run gathers (non-streaming or stored
     *                      session), UTF-8 bytes of its text, reasoning and tool-call names and arguments; a longer
     *                      one ends there with {@code finish_reason} {@code length}
     */
    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Scheduler scheduler, long maxReplyBytes) {
        this.providers = providers;
        this.sessions = sessions;
        this.scheduler = scheduler;
        this.maxReplyBytes = maxReplyBytes;
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
        return new AgentRun(request, sink, attempts(request.agent()), sessions, scheduler, maxReplyBytes,
                onEnd);
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

    /** The agent's model (or the one the request chose), then its fallbacks other than that one. */
    Attempts attempts(AgentSpec agent) {
        List<Attempts.Target> chain = new ArrayList<>(1 + agent.fallbacks().size());
        ModelRef first = agent.modelRef();
        chain.add(target(first));
        for (ModelRef fallback : agent.fallbacks()) {
            if (!fallback.equals(first)) {
                chain.add(target(fallback));
            }
        }
        return new Attempts(agent.id(), chain, scheduler);
    }

    private Attempts.Target target(ModelRef ref) {
        return new Attempts.Target(ref.toString(), ref.model(), providers.get(ref.provider()),
                providers.maxRetries(ref.provider()), providers.retryMaxWaitMs(ref.provider()));
    }
}
