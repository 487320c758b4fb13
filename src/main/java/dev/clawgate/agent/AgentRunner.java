package dev.clawgate.agent;

import dev.clawgate.session.SessionStore;
import dev.clawgate.time.Ticker;
import dev.clawgate.upstream.ProviderRegistry;
import java.util.function.Consumer;

/**
 * Makes {@link AgentRun}s: holds what every run shares (the providers, the session store, the time source), so a
 * front end needs only this one collaborator to run an agent.
 */
public final class AgentRunner {
    private final ProviderRegistry providers;
    private final SessionStore sessions;
    private final Ticker ticker;

    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Ticker ticker) {
        this.providers = providers;
        this.sessions = sessions;
        this.ticker = ticker;
    }

    /** The time source runs are measured on (request start, first delta, end). */
    public Ticker ticker() {
        return ticker;
    }

    /**
     * A run of {@code request} that pushes into {@code sink} and reports its end to {@code onEnd}; call
     * {@link AgentRun#start()} once the front end is ready for its callbacks.
     */
    public AgentRun run(RunRequest request, ReplySink sink, Consumer<RunReport> onEnd) {
        return new AgentRun(request, sink, providers.get(request.agent().provider()), sessions, ticker, onEnd);
    }
}
