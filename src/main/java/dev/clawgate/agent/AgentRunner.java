package dev.clawgate.agent;

import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.mcp.McpToolbox;
import dev.clawgate.mcp.ToolAllowlist;
import dev.clawgate.mcp.ToolOffer;
import dev.clawgate.session.SessionStore;
import dev.clawgate.time.Ticker;
import dev.clawgate.upstream.ProviderRegistry;
import java.util.function.Consumer;

/**
 * Makes {@link AgentRun}s: holds what every run shares (the providers, the session store, the time source, the MCP
 * toolbox), so a front end needs only this one collaborator to run an agent. A run of an agent with
 * {@code agents.<id>.mcpServers} is offered the allowed tools its servers list at the run's start.
 */
public final class AgentRunner {
    private final ProviderRegistry providers;
    private final SessionStore sessions;
    private final Ticker ticker;
    private final McpToolbox toolbox;
    private final long maxReplyBytes;

    /** A runner whose replies are not cut (tests and tools). */
    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Ticker ticker) {
        this(providers, sessions, ticker, Long.MAX_VALUE, null);
    }

    /** A runner without server tools. */
    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Ticker ticker, long maxReplyBytes) {
        this(providers, sessions, ticker, maxReplyBytes, null);
    }

    /** A runner whose replies are not cut. */
    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Ticker ticker, McpToolbox toolbox) {
        this(providers, sessions, ticker, Long.MAX_VALUE, toolbox);
    }

    /**
     * @param maxReplyBytes {@code gateway.http.maxReplyBytes}: longest reply a run gathers (non-streaming or stored
     *                      session), UTF-8 bytes of its text and tool-call names and arguments; a longer one ends
     *                      there with {@code finish_reason} {@code length}
     * @param toolbox       the MCP servers' tools, or null when none are configured
     */
    public AgentRunner(ProviderRegistry providers, SessionStore sessions, Ticker ticker, long maxReplyBytes,
                       McpToolbox toolbox) {
        this.providers = providers;
        this.sessions = sessions;
        this.ticker = ticker;
        this.maxReplyBytes = maxReplyBytes;
        this.toolbox = toolbox;
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
        return new AgentRun(request, sink, providers.get(request.agent().provider()), sessions, ticker,
                maxReplyBytes, onEnd, offer(request.agent()));
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
