package dev.clawgate.agent;

import dev.clawgate.caller.Caller;
import dev.clawgate.config.ConfigKeys;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ApiException;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the agent of a request (SPEC §5). Header {@code x-openclaw-agent-id} wins over {@code model}. {@code model}
 * absent, null, {@code openclaw} or {@code openclaw/default} means the default agent; {@code openclaw:<id>},
 * {@code openclaw/<id>} and {@code agent:<id>} name one (case-insensitive). Anything else is 400 on {@code model};
 * a well-formed id that is not configured is 404 {@code model_not_found}.
 */
public final class AgentRouter {
    private final Map<String, AgentSpec> agents;
    private final AgentSpec defaultAgent;

    public AgentRouter(GatewayConfig config) {
        this.agents = config.agents();
        this.defaultAgent = config.agents().get(config.defaultAgent());
    }

    /**
     * Routes as {@link #route(String, String)}, then checks that {@code caller} may use the agent: else 403
     * {@code permission_error} / {@code agent_not_allowed} on {@code model} (whether the agent was named by
     * {@code model} or by the header).
     */
    public AgentSpec route(String model, String headerAgent, Caller caller) {
        AgentSpec agent = route(model, headerAgent);
        if (!caller.allows(agent.id())) {
            throw new ApiException(403, "permission_error", "model", "agent_not_allowed",
                    "This API key may not use agent '" + agent.id() + "'.");
        }
        return agent;
    }

    /**
     * @param model       the request's {@code model}, or null
     * @param headerAgent the {@code x-openclaw-agent-id} header, or null
     */
    public AgentSpec route(String model, String headerAgent) {
        if (headerAgent != null && !headerAgent.isBlank()) {
            String id = headerAgent.trim().toLowerCase(Locale.ROOT);
            if (!ConfigKeys.AGENT_ID.matcher(id).matches()) {
                throw ApiException.badRequest(null, "Invalid `x-openclaw-agent-id` header: agent ids match "
                        + "[a-z0-9][a-z0-9_-]{0,63}.");
            }
            return known(id, "agent '" + id + "'");
        }
        if (model == null) {
            return defaultAgent;
        }
        String m = model.trim().toLowerCase(Locale.ROOT);
        if (m.equals("openclaw") || m.equals("openclaw/default")) {
            return defaultAgent;
        }
        String id = null;
        if (m.startsWith("openclaw:") || m.startsWith("openclaw/")) {
            id = m.substring("openclaw:".length());
        } else if (m.startsWith("agent:")) {
            id = m.substring("agent:".length());
        }
        if (id == null || !ConfigKeys.AGENT_ID.matcher(id).matches()) {
            throw ApiException.badRequest("model", "Invalid `model`. Use `openclaw`, `openclaw/<agentId>` or "
                    + "`openclaw:<agentId>`.");
        }
        return known(id, "model '" + model.trim() + "'");
    }

    /** The agent with this lower-case id, or null. */
    public AgentSpec find(String id) {
        return agents.get(id);
    }

    public AgentSpec defaultAgent() {
        return defaultAgent;
    }

    public Map<String, AgentSpec> all() {
        return agents;
    }

    private AgentSpec known(String id, String what) {
        AgentSpec agent = agents.get(id);
        if (agent == null) {
            throw new ApiException(404, "invalid_request_error", "model", "model_not_found",
                    "The " + what + " does not exist: no agent '" + id + "' is configured.");
        }
        return agent;
    }
}
