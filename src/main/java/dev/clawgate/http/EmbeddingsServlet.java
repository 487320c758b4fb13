package dev.clawgate.http;

import dev.clawgate.agent.AgentRouter;
import dev.clawgate.agent.AgentRunner;
import dev.clawgate.agent.Embeddings;
import dev.clawgate.caller.Caller;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.config.GatewayConfig.ModelRef;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.events.RequestRecord;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatRequestParser;
import dev.clawgate.openai.EmbeddingsRequest;
import dev.clawgate.trace.TraceContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /v1/embeddings}: {@code model} names an agent as for chat ({@code x-openclaw-agent-id} wins), whose
 * {@code agents.<id>.embeddingModel} — or the model {@code x-openclaw-model} picks from its allowed models — answers
 * ({@link AgentRunner#embed}); {@code input}, {@code encoding_format}, {@code dimensions} and {@code user} pass
 * through ({@link EmbeddingsRequest}); the reply comes back with {@code model} set to what the client sent and
 * {@code x-openclaw-upstream-model} naming the model that answered. An agent without an embedding model is 400
 * {@code embeddings_not_configured}. Like chat: {@code startAsync()} and return, the body read without blocking, the
 * reply written without blocking, the async timeout {@code gateway.http.streamTimeoutMs} (504), a client that goes
 * away cancels the upstream call; auth, lockout, rate limit and the caller's request quota by the filters; the
 * body bounded by {@link BodyLimits}. The caller ({@link Caller}) must be allowed the agent (else 403
 * {@code agent_not_allowed}) and is charged the upstream's prompt tokens against its token quota. One
 * {@link RequestRecord} per request (access log and metrics, the upstream's prompt tokens as prompt tokens, the
 * trace id). The request's W3C trace context ({@link dev.clawgate.trace.TracePropagator}) goes with the upstream call.
 */
public final class EmbeddingsServlet extends HttpServlet {
    private final transient ChatRequestParser json;
    private final transient AgentRouter router;
    private final transient ChatCompletionsServlet.Services services;
    private final transient BodyLimits bodyLimits;

    /** @param bodyLimits what bounds reading a body: size, deadline, the gateway-wide budget */
    public EmbeddingsServlet(ChatRequestParser json, AgentRouter router, ChatCompletionsServlet.Services services,
                             BodyLimits bodyLimits) {
        this.json = json;
        this.router = router;
        this.services = services;
        this.bodyLimits = bodyLimits;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long start = services.runner().ticker().nanoTime();
        long declared = req.getContentLengthLong();
        if (declared > bodyLimits.maxBytes()) {
            UnreadBody.refuse(req, resp, BodyReader.tooLarge(bodyLimits.maxBytes()));
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(services.streamTimeoutMs());
        String agentHeader = req.getHeader(ChatCompletionsServlet.AGENT_HEADER);
        String modelHeader = req.getHeader(AgentRouter.MODEL_HEADER);
        String requestId = resp.getHeader(RouteFilter.REQUEST_ID);
        Caller caller = Caller.of(req.getAttribute(Caller.ATTRIBUTE));
        TraceContext trace = services.trace(req);
        BodyReader[] reader = new BodyReader[1];
        try {
            reader[0] = BodyReader.start(async, bodyLimits, declared, body -> {
                Call call = new Call(async, resp, requestId, start, caller, trace);
                reader[0].handOff(call);
                call.begin(body, agentHeader, modelHeader);
            });
        } catch (ApiException refused) {
            try {
                ApiErrors.send(resp, refused);
            } catch (IOException | RuntimeException ignored) {
                // the client is gone
            }
            async.complete();
        }
    }

    /** One embeddings request after its body arrived: the upstream call and the one answer. */
    private final class Call implements AsyncListener, Embeddings.Reply {
        private final AsyncContext async;
        private final HttpServletResponse resp;
        private final String requestId;
        private final long start;
        private final Caller caller;
        private final TraceContext trace;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile AsyncWriter out;
        private volatile Runnable cancel;
        private volatile String agent = "";

        Call(AsyncContext async, HttpServletResponse resp, String requestId, long start, Caller caller,
             TraceContext trace) {
            this.async = async;
            this.resp = resp;
            this.requestId = requestId;
            this.start = start;
            this.caller = caller;
            this.trace = trace;
        }

        void begin(BodyReader.Body body, String agentHeader, String modelHeader) {
            try {
                out = new AsyncWriter(async, services.maxQueuedBytes(), failure -> gone());
            } catch (IOException | RuntimeException e) {
                gone();
                return;
            }
            ModelRef model;
            EmbeddingsRequest request;
            try {
                request = EmbeddingsRequest.parse(json.readJson(body.bytes(), body.length()));
                AgentSpec spec = router.route(request.model(), agentHeader, caller);
                agent = spec.id();
                model = router.embeddingModel(spec, modelHeader);
                if (model == null) {
                    throw ApiException.badRequest("model", "embeddings_not_configured", "Agent '" + spec.id()
                            + "' has no embedding model (agents." + spec.id() + ".embeddingModel).");
                }
            } catch (ApiException e) {
                failed(e, null);
                return;
            }
            resp.setHeader(SseEmitter.UPSTREAM_MODEL_HEADER, model.toString());
            cancel = services.runner().embed(model, request, trace, this);
        }

        @Override
        public void embedded(String reply, long promptTokens) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            try {
                resp.setStatus(200);
                resp.setContentType("application/json; charset=utf-8");
                resp.setContentLength(bytes.length);
                out.write(bytes);
            } catch (IllegalStateException timedOut) {
                // the async timeout answered first
            }
            out.close();
            services.usage().tokensUsed(caller, promptTokens);
            record(200, "ok", null, promptTokens);
        }

        @Override
        public void failed(ApiException error, String upstreamKind) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (upstreamKind != null) {
                services.events().upstreamError(agent, upstreamKind);
            }
            send(error);
            record(error.status(), "error", error.type(), 0);
        }

        private void send(ApiException error) {
            try {
                out.write(ApiErrors.prepare(resp, error));
            } catch (IllegalStateException timedOut) {
                // the async timeout answered first
            }
            out.close();
        }

        /** The client went away or the write failed: cancel the upstream call, answer nothing. */
        private void gone() {
            if (answered.compareAndSet(false, true)) {
                Runnable c = cancel;
                if (c != null) {
                    c.run();
                }
                record(499, "cancelled", null, 0);
            }
        }

        /** Tells the access log and metrics, once the request had an agent (as chat: refusals before it do not). */
        private void record(int status, String outcome, String errorType, long promptTokens) {
            if (agent.isEmpty()) {
                return;
            }
            GatewayEvents events = services.events();
            long end = services.runner().ticker().nanoTime();
            events.requestFinished(new RequestRecord(requestId, agent, "stateless", false, status, outcome,
                    errorType, end - start, -1, promptTokens, 0, caller.name(), caller.label(), null,
                    trace.traceId(), "", null));
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            if (answered.compareAndSet(false, true)) {
                Runnable c = cancel;
                if (c != null) {
                    c.run();
                }
                ApiException timeout = new ApiException(504, "api_error", null, "timeout", "The request did not "
                        + "finish within " + services.streamTimeoutMs() + " ms (gateway.http.streamTimeoutMs).");
                AsyncWriter w = out;
                if (w != null) {
                    w.write(ApiErrors.prepare(resp, timeout));
                    w.forceComplete();
                }
                record(504, "timeout", timeout.type(), 0);
            }
        }

        @Override
        public void onError(AsyncEvent event) {
            gone();
            ended();
        }

        @Override
        public void onComplete(AsyncEvent event) {
            gone();
            ended();
        }

        /** The container ended the exchange: no write after this returns ({@link AsyncWriter#ended()}). */
        private void ended() {
            AsyncWriter w = out;
            if (w != null) {
                w.ended();
            }
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not re-dispatched
        }
    }
}
