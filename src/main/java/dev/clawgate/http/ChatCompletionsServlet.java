package dev.clawgate.http;

import dev.clawgate.Gateway;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionKeys;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * {@code POST /v1/chat/completions}. Reads and validates the body (at most {@code gateway.http.maxBodyBytes}),
 * picks the agent and the session, then calls {@code startAsync()} and returns: the run goes on without a container
 * thread, and an open stream costs memory, not a thread. The async timeout is {@code gateway.http.streamTimeoutMs}.
 * Route, method, auth and rate limit were checked by the filters before this servlet runs.
 */
public final class ChatCompletionsServlet extends HttpServlet {
    private static final System.Logger LOG = System.getLogger(ChatCompletionsServlet.class.getName());
    static final String AGENT_HEADER = "x-openclaw-agent-id";
    static final String SESSION_HEADER = "x-openclaw-session-key";

    private transient Gateway gateway;

    @Override
    public void init() throws ServletException {
        gateway = GatewayListener.gateway(getServletContext());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long start = System.nanoTime();
        ChatRequest request;
        AgentSpec agent;
        SessionKey session;
        try {
            BodyReader.Body body = BodyReader.read(req, gateway.config().http().maxBodyBytes());
            request = gateway.parser().parse(body.bytes(), body.length());
            agent = gateway.router().route(request.model(), req.getHeader(AGENT_HEADER));
            session = SessionKeys.resolve(req.getHeader(SESSION_HEADER), request.user(), agent.id());
        } catch (ApiException e) {
            ApiErrors.send(resp, e);
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(gateway.config().http().streamTimeoutMs());
        try {
            String requestId = resp.getHeader(RouteFilter.REQUEST_ID);
            new ChatExchange(gateway, async, request, agent, session, requestId, start).start();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "clawgate: could not start a chat exchange: " + e.getClass().getName());
            if (!resp.isCommitted()) {
                ApiErrors.send(resp, ApiException.internal());
            }
            async.complete();
        }
    }
}
