package dev.clawgate.http;

import dev.clawgate.agent.AgentRouter;
import dev.clawgate.caller.Caller;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.JsonText;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} in OpenAI's list shape (SPEC §1): {@code openclaw},
 * {@code openclaw/default}, and for every agent {@code openclaw/<id>} and {@code openclaw:<id>}. The id is read
 * from the path as the container decoded it, so {@code /v1/models/openclaw/main} works, and so does
 * {@code openclaw%2Fmain} where the container lets {@code %2F} through (stock Tomcat answers it with its own 400).
 *
 * <p>A caller limited to some agents (a client key or SSO user, {@link Caller}) sees only those: the list holds
 * their ids (and {@code openclaw}, {@code openclaw/default} only when the default agent is one of them), and any other
 * id is 404 as if it did not exist.
 */
public final class ModelsServlet extends HttpServlet {
    private final transient AgentRouter router;
    private final long createdEpochSeconds;
    private final transient List<String> ids;

    /** @param createdEpochSeconds every model's {@code created}: when the gateway started */
    public ModelsServlet(AgentRouter router, long createdEpochSeconds) {
        this.router = router;
        this.createdEpochSeconds = createdEpochSeconds;
        ids = new ArrayList<>(List.of("openclaw", "openclaw/default"));
        for (AgentSpec agent : router.all().values()) {
            ids.add("openclaw/" + agent.id());
            ids.add("openclaw:" + agent.id());
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = RouteFilter.path(req);
        Caller caller = Caller.of(req.getAttribute(Caller.ATTRIBUTE));
        String body;
        if (path.equals("/v1/models")) {
            StringBuilder b = new StringBuilder(64 + ids.size() * 80).append("{\"object\":\"list\",\"data\":[");
            boolean first = true;
            for (String id : ids) {
                if (visible(caller, id)) {
                    b.append(first ? "" : ",");
                    model(b, id);
                    first = false;
                }
            }
            body = b.append("]}").toString();
        } else {
            // the container decoded the path: an id sent as openclaw%3Amain is openclaw:main here
            String id = path.substring("/v1/models/".length());
            String canonical = canonical(id);
            if (canonical == null || !visible(caller, canonical)) {
                ApiErrors.send(resp, new ApiException(404, "invalid_request_error", "model", "model_not_found",
                        "The model '" + (id.length() > 100 ? id.substring(0, 100) + "…" : id) + "' does not exist."));
                return;
            }
            body = model(new StringBuilder(128), canonical).toString();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        resp.setContentType("application/json; charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** The listed id for {@code id}, accepting any case, or null when no agent answers to it. */
    private String canonical(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        if (lower.equals("openclaw") || lower.equals("openclaw/default")) {
            return lower;
        }
        for (String prefix : new String[] {"openclaw/", "openclaw:"}) {
            if (lower.startsWith(prefix) && router.find(lower.substring(prefix.length())) != null) {
                return lower;
            }
        }
        return null;
    }

    /** Whether {@code caller} may see the listed id {@code id} (its agent is one it may use). */
    private boolean visible(Caller caller, String id) {
        if (caller.agents() == null) {
            return true;
        }
        String agent = id.equals("openclaw") || id.equals("openclaw/default") ? router.defaultAgent().id()
                : id.substring("openclaw/".length());
        return caller.allows(agent);
    }

    private StringBuilder model(StringBuilder b, String id) {
        b.append("{\"id\":");
        JsonText.quote(b, id);
        return b.append(",\"object\":\"model\",\"created\":").append(createdEpochSeconds)
                .append(",\"owned_by\":\"openclaw\"}");
    }
}
