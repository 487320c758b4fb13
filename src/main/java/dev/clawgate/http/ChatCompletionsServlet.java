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
 * {@code POST /v1/chat/completions}. Calls {@code startAsync()} and returns at once: the body (at most
 * {@code gateway.http.maxBodyBytes}) is read without blocking by {@link BodyReader}, then validated, the agent and the
 * session picked, and the run goes on without a container thread; an open stream costs memory, not a thread. The async timeout is {@code gateway.http.streamTimeoutMs}.
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
        long maxBytes = gateway.config().http().maxBodyBytes();
        long declared = req.getContentLengthLong();
        if (declared > maxBytes) {
            ApiErrors.send(resp, BodyReader.tooLarge(maxBytes));
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(gateway.config().http().streamTimeoutMs());
        String agentHeader = req.getHeader(AGENT_HEADER);
        String sessionHeader = req.getHeader(SESSION_HEADER);
        BodyReader[] reader = new BodyReader[1];
        reader[0] = BodyReader.start(async, maxBytes, declared,
                body -> begin(async, resp, body, agentHeader, sessionHeader, reader[0], start));
    }

    /** The whole body is there (on a container thread): validate, route, and hand the request to its exchange. */
    private void begin(AsyncContext async, HttpServletResponse resp, BodyReader.Body body, String agentHeader,
                       String sessionHeader, BodyReader reader, long start) {
        try {
            ChatRequest request = gateway.parser().parse(body.bytes(), body.length());
            AgentSpec agent = gateway.router().route(request.model(), agentHeader);
            SessionKey session = SessionKeys.resolve(sessionHeader, request.user(), agent.id());
            String requestId = resp.getHeader(RouteFilter.REQUEST_ID);
            ChatExchange exchange = new ChatExchange(gateway, async, request, agent, session, requestId, start);
            reader.handOff(exchange);
            exchange.start();
        } catch (ApiException e) {
            sendAndComplete(async, resp, e);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "clawgate: could not start a chat exchange: " + e.getClass().getName());
            sendAndComplete(async, resp, ApiException.internal());
        }
    }

    private static void sendAndComplete(AsyncContext async, HttpServletResponse resp, ApiException e) {
        try {
            ApiErrors.send(resp, e);
        } catch (IOException | RuntimeException ignored) {
            // the client is gone
        }
        try {
            async.complete();
        } catch (IllegalStateException ignored) {
            // already completed
        }
    }
}
