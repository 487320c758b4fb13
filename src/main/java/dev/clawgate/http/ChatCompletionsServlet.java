package dev.clawgate.http;

import dev.clawgate.agent.AgentRouter;
import dev.clawgate.agent.AgentRunner;
import dev.clawgate.agent.RunRequest;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.openai.ChatRequestParser;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionKeys;
import dev.clawgate.time.Scheduler;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;

/**
 * {@code POST /v1/chat/completions}. Calls {@code startAsync()} and returns at once: the body (at most
 * {@code gateway.http.maxBodyBytes}) is read without blocking by {@link BodyReader}, then validated, the agent and the
 * session picked, and the run goes on without a container thread; an open stream costs memory, not a thread. The async timeout is {@code gateway.http.streamTimeoutMs}.
 * Route, method, auth and rate limit were checked by the filters before this servlet runs. Built by the listener
 * with its collaborators; it looks nothing up.
 */
public final class ChatCompletionsServlet extends HttpServlet {
    private static final System.Logger LOG = System.getLogger(ChatCompletionsServlet.class.getName());
    static final String AGENT_HEADER = "x-openclaw-agent-id";
    static final String SESSION_HEADER = "x-openclaw-session-key";

    /**
     * What every exchange shares.
     *
     * @param runner          runs the agents
     * @param scheduler       the gateway's timer (heartbeats)
     * @param clock           wall clock for a completion's {@code created}
     * @param events          access log and metrics
     * @param heartbeatMs     {@code gateway.http.heartbeatMs}: idle time before an SSE keepalive, ms
     * @param streamTimeoutMs {@code gateway.http.streamTimeoutMs}: longest a request may run (the async timeout), ms
     */
    public record Services(AgentRunner runner, Scheduler scheduler, Clock clock, GatewayEvents events,
                           long heartbeatMs, long streamTimeoutMs) {
    }

    private final transient ChatRequestParser parser;
    private final transient AgentRouter router;
    private final transient Services services;
    private final long maxBodyBytes;

    /**
     * @param maxBodyBytes {@code gateway.http.maxBodyBytes}: largest body, bytes
     * @param services     what every exchange shares; its {@code streamTimeoutMs} is the async timeout
     */
    public ChatCompletionsServlet(ChatRequestParser parser, AgentRouter router, Services services,
                                  long maxBodyBytes) {
        this.parser = parser;
        this.router = router;
        this.services = services;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long start = services.runner().ticker().nanoTime();
        long maxBytes = maxBodyBytes;
        long declared = req.getContentLengthLong();
        if (declared > maxBytes) {
            ApiErrors.send(resp, BodyReader.tooLarge(maxBytes));
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(services.streamTimeoutMs());
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
            ChatRequest request = parser.parse(body.bytes(), body.length());
            AgentSpec agent = router.route(request.model(), agentHeader);
            SessionKey session = SessionKeys.resolve(sessionHeader, request.user(), agent.id());
            String requestId = resp.getHeader(RouteFilter.REQUEST_ID);
            ChatExchange exchange = new ChatExchange(services, async,
                    new RunRequest(request, agent, session, requestId, start));
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
