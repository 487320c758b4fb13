package dev.clawgate.http;

import dev.clawgate.agent.AgentRouter;
import dev.clawgate.agent.AgentRunner;
import dev.clawgate.agent.RunRequest;
import dev.clawgate.caller.Caller;
import dev.clawgate.caller.UsageSink;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.openai.ChatRequestParser;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionKeys;
import dev.clawgate.time.Scheduler;
import dev.clawgate.trace.TraceContext;
import dev.clawgate.trace.TracePropagator;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}. Calls {@code startAsync()} and returns at once: the body is read without
 * blocking by {@link BodyReader} within its {@link BodyLimits} (size, deadline, the gateway-wide budget), then
 * validated, the agent and the session picked, and the run goes on without a container thread; an open stream costs
 * memory, not a thread. The async timeout is {@code gateway.http.streamTimeoutMs}.
 * Route, method, auth and rate limit were checked by the filters before this servlet runs; the caller they resolved
 * ({@link Caller}) must be allowed the agent (else 403 {@code agent_not_allowed}) and owns the session namespace.
 * The request's W3C trace context ({@link TracePropagator}) goes with every upstream call of its run.
 * Built by the listener
 * with its collaborators; it looks nothing up.
 */
public final class ChatCompletionsServlet extends HttpServlet {
    private static final System.Logger LOG = System.getLogger(ChatCompletionsServlet.class.getName());
    static final String AGENT_HEADER = "x-openclaw-agent-id";
    static final String SESSION_HEADER = SessionKeys.SESSION_HEADER;

    /**
     * What every exchange shares.
     *
     * @param runner          runs the agents
     * @param scheduler       the gateway's timer (heartbeats)
     * @param clock           wall clock for a completion's {@code created}
     * @param events          access log and metrics
     * @param heartbeatMs     {@code gateway.http.heartbeatMs}: idle time before an SSE keepalive, ms
     * @param streamTimeoutMs {@code gateway.http.streamTimeoutMs}: longest a request may run (the async timeout), ms
     * @param maxQueuedBytes  {@code gateway.http.maxQueuedBytes}: response bytes a client may leave unread
     * @param disconnectCheckMs {@code gateway.http.disconnectCheckMs}: time between probes for a non-streaming
     *                          client's hang-up, ms, 0 = off
     * @param usage           charged each finished run's tokens (the callers' token quotas)
     * @param tracing         makes each request's W3C trace context from its {@code traceparent} /
     *                        {@code tracestate} headers ({@code gateway.tracing.generate})
     */
    public record Services(AgentRunner runner, Scheduler scheduler, Clock clock, GatewayEvents events,
                           long heartbeatMs, long streamTimeoutMs, long maxQueuedBytes, long disconnectCheckMs,
                           UsageSink usage, TracePropagator tracing) {
        /** Services that start no trace. */
        public Services(AgentRunner runner, Scheduler scheduler, Clock clock, GatewayEvents events,
                        long heartbeatMs, long streamTimeoutMs, long maxQueuedBytes, long disconnectCheckMs,
                        UsageSink usage) {
            this(runner, scheduler, clock, events, heartbeatMs, streamTimeoutMs, maxQueuedBytes, disconnectCheckMs,
                    usage, TracePropagator.CONTINUE_ONLY);
        }

        /** Services that charge no quota and start no trace. */
        public Services(AgentRunner runner, Scheduler scheduler, Clock clock, GatewayEvents events,
                        long heartbeatMs, long streamTimeoutMs, long maxQueuedBytes, long disconnectCheckMs) {
            this(runner, scheduler, clock, events, heartbeatMs, streamTimeoutMs, maxQueuedBytes, disconnectCheckMs,
                    UsageSink.NONE);
        }

        /** The trace context of {@code req}: continued from its headers, started, or none. */
        TraceContext trace(HttpServletRequest req) {
            return tracing.of(lines(req, TraceContext.TRACEPARENT), lines(req, TraceContext.TRACESTATE));
        }

        private static List<String> lines(HttpServletRequest req, String header) {
            Enumeration<String> values = req.getHeaders(header);
            return values == null ? List.of() : Collections.list(values);
        }
    }

    private final transient ChatRequestParser parser;
    private final transient AgentRouter router;
    private final transient Services services;
    private final transient SessionKeys sessionKeys;
    private final transient BodyLimits bodyLimits;

    /** With the default session naming ({@link SessionKeys#DEFAULT}). */
    public ChatCompletionsServlet(ChatRequestParser parser, AgentRouter router, Services services,
                                  BodyLimits bodyLimits) {
        this(parser, router, services, SessionKeys.DEFAULT, bodyLimits);
    }

    /**
     * @param sessionKeys how a request names its session ({@code gateway.sessions.*})
     * @param services    what every exchange shares; its {@code streamTimeoutMs} is the async timeout
     * @param bodyLimits  what bounds reading a body: size, deadline, the gateway-wide budget
     */
    public ChatCompletionsServlet(ChatRequestParser parser, AgentRouter router, Services services,
                                  SessionKeys sessionKeys, BodyLimits bodyLimits) {
        this.parser = parser;
        this.router = router;
        this.services = services;
        this.sessionKeys = sessionKeys;
        this.bodyLimits = bodyLimits;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long start = services.runner().ticker().nanoTime();
        long maxBytes = bodyLimits.maxBytes();
        long declared = req.getContentLengthLong();
        if (declared > maxBytes) {
            UnreadBody.refuse(req, resp, BodyReader.tooLarge(maxBytes));
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(services.streamTimeoutMs());
        RequestHeaders headers = RequestHeaders.of(req, sessionKeys);
        Caller caller = Caller.of(req.getAttribute(Caller.ATTRIBUTE));
        TraceContext trace = services.trace(req);
        BodyReader[] reader = new BodyReader[1];
        try {
            reader[0] = BodyReader.start(async, bodyLimits, declared,
                    body -> begin(async, resp, body, headers, caller, trace, reader[0], start));
        } catch (ApiException refused) {
            sendAndComplete(async, resp, refused);
        }
    }

    /** The whole body is there (on a container thread): validate, route, and hand the request to its exchange. */
    private void begin(AsyncContext async, HttpServletResponse resp, BodyReader.Body body, RequestHeaders headers,
                       Caller caller, TraceContext trace, BodyReader reader, long start) {
        try {
            headers.check(parser);
            ChatRequest request = parser.parse(body.bytes(), body.length());
            AgentSpec agent = router.choose(router.route(request.model(), headers.get(AGENT_HEADER), caller),
                    headers.get(AgentRouter.MODEL_HEADER));
            SessionKey session = sessionKeys.sessionOf(headers::get, request.user(), agent.id(),
                    caller.sessionNamespace());
            String requestId = resp.getHeader(RouteFilter.REQUEST_ID);
            ChatExchange exchange = new ChatExchange(services, async,
                    new RunRequest(request, agent, session, requestId, start, caller, trace));
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
