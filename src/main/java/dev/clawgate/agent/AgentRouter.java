package dev.clawgate.agent;

import dev.clawgate.caller.Caller;
import dev.clawgate.config.ConfigKeys;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.config.GatewayConfig.ModelRef;
import dev.clawgate.openai.ApiException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Picks the agent of a request (SPEC §5). Header {@code x-openclaw-agent-id} wins over {@code model}. {@code model}
 * absent, null, {@code openclaw} or {@code openclaw/default} means the default agent; {@code openclaw:<id>},
 * {@code openclaw/<id>} and {@code agent:<id>} name one (case-insensitive). Anything else is 400 on {@code model};
 * a well-formed id that is not configured is 404 {@code model_not_found}.
 *
 * <p>It also applies a request's {@code x-openclaw-model: <provider>/<model>} header ({@link #choose},
 * {@link #embeddingModel}): the model must be listed in the agent's {@code agents.<id>.allowedModels} (exactly, or
 * as {@code <provider>/*}) or be the agent's own; anything else — an unknown provider included — is 400
 * {@code model_not_allowed} with a null {@code param}.
 */
public final class AgentRouter {
    /** The request header that picks another model of the agent's allowed models. */
    public static final String MODEL_HEADER = "x-openclaw-model";
    /** Longest accepted {@code x-openclaw-model}, characters. */
    static final int MAX_MODEL_HEADER = 256;

    private final Map<String, AgentSpec> agents;
    private final AgentSpec defaultAgent;
    private final Set<String> providers;

    public AgentRouter(GatewayConfig config) {
        this.agents = config.agents();
        this.defaultAgent = config.agents().get(config.defaultAgent());
        this.providers = Set.copyOf(config.providers().keySet());
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

    /**
     * {@code agent} answering with the model its {@code x-openclaw-model} header names, or {@code agent} itself when
     * the header is absent or blank.
     *
     * @throws ApiException 400 {@code model_not_allowed}
     */
    public AgentSpec choose(AgentSpec agent, String header) {
        ModelRef chosen = allowed(agent, header, agent.modelRef());
        return chosen == null ? agent : agent.withModel(chosen);
    }

    /**
     * The model that answers {@code /v1/embeddings} for {@code agent}: the one {@code x-openclaw-model} names (as
     * {@link #choose}), else {@code agents.<id>.embeddingModel}; null when neither.
     */
    public ModelRef embeddingModel(AgentSpec agent, String header) {
        ModelRef chosen = allowed(agent, header, agent.embeddingModel());
        return chosen != null ? chosen : agent.embeddingModel();
    }

    /** The model {@code header} names if the agent allows it; null without a header; 400 otherwise. */
    private ModelRef allowed(AgentSpec agent, String header, ModelRef own) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String text = header.trim();
        ModelRef ref = text.length() > MAX_MODEL_HEADER ? null : ModelRef.parse(text);
        if (ref == null || ref.wildcard()) {
            throw notAllowed("`" + MODEL_HEADER + "` must be <provider>/<model>.");
        }
        if (!providers.contains(ref.provider())) {
            throw notAllowed("No provider '" + ref.provider() + "' is configured.");
        }
        if (ref.equals(own)) {
            return ref;
        }
        for (ModelRef a : agent.allowedModels()) {
            if (a.provider().equals(ref.provider()) && (a.wildcard() || a.model().equals(ref.model()))) {
                return ref;
            }
        }
        throw notAllowed("Model '" + ref + "' is not allowed for agent '" + agent.id()
                + "' (agents." + agent.id() + ".allowedModels).");
    }

    private static ApiException notAllowed(String message) {
        return ApiException.badRequest(null, "model_not_allowed", message);
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
