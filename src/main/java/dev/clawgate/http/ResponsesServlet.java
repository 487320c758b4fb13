package dev.clawgate.http;

import dev.clawgate.caller.Caller;
import dev.clawgate.agent.AgentRouter;
import dev.clawgate.agent.RunRequest;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.responses.ResponseBuilder;
import dev.clawgate.openai.responses.ResponseIds;
import dev.clawgate.openai.responses.ResponsesRequest;
import dev.clawgate.openai.responses.ResponsesRequestParser;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionKeys;
import dev.clawgate.session.StoredResponses;
import dev.clawgate.trace.TraceContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code POST /v1/responses} and {@code GET /v1/responses/{id}}: OpenAI's Responses API in front of the same agents
 * and the same {@link dev.clawgate.agent.AgentRun} as chat completions, on whenever chat completions is
 * ({@code gateway.http.endpoints.chatCompletions.enabled}), behind the same filters. Like
 * {@link ChatCompletionsServlet} it calls {@code startAsync()} and returns at once; the body is read without blocking
 * (bounded by {@link BodyLimits}: {@code gateway.http.maxBodyBytes}, its deadline and the gateway-wide budget) and
 * the async timeout is {@code gateway.http.streamTimeoutMs}.
 *
 * <p>A POST is parsed by {@link ResponsesRequestParser} (the input becomes chat messages), routed by {@code model}
 * and {@code x-openclaw-agent-id}, and run through a {@link ChatExchange} (access log, metrics, timeout,
 * cancellation) with {@link ResponseStreamSink} or {@link ResponseJsonSink}. Its session is a conversation of
 * {@link StoredResponses}: with {@code previous_response_id} the conversation of that response (400
 * {@code previous_response_not_found} when the caller has no such response), else a new one; with {@code store:false}
 * nothing is written (a new conversation is then stateless, a continued one read only). A GET answers a stored
 * response object, or 404. Both see only the caller's namespace ({@link CallerNamespace}).
 */
public final class ResponsesServlet extends HttpServlet {
    private static final System.Logger LOG = System.getLogger(ResponsesServlet.class.getName());

    private final transient ResponsesRequestParser parser;
    private final transient AgentRouter router;
    private final transient ChatCompletionsServlet.Services services;
    private final transient ChatCompletionsServlet.Services readOnly;
    private final transient StoredResponses stored;
    private final transient BodyLimits bodyLimits;

    /**
     * @param services     what every exchange shares; its runner writes sessions
     * @param readOnly     the same with a runner over a read-only view of the session store
     *                     ({@link dev.clawgate.session.ReadOnlySessions}), for {@code store:false}
     * @param stored       the conversations and stored responses, in the gateway's session store
     * @param bodyLimits   what bounds reading a body: size, deadline, the gateway-wide budget
     */
    public ResponsesServlet(ResponsesRequestParser parser, AgentRouter router, ChatCompletionsServlet.Services services,
                            ChatCompletionsServlet.Services readOnly, StoredResponses stored, BodyLimits bodyLimits) {
        this.parser = parser;
        this.router = router;
        this.services = services;
        this.readOnly = readOnly;
        this.stored = stored;
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
        String namespace = CallerNamespace.of(req);
        TraceContext trace = services.trace(req);
        BodyReader[] reader = new BodyReader[1];
        try {
            reader[0] = BodyReader.start(async, bodyLimits, declared, body -> read(async, resp, reader[0], body,
                    agentHeader, namespace, trace, start));
        } catch (ApiException refused) { // the gateway-wide body budget is spent
            sendAndComplete(async, resp, refused);
        }
    }

    /** The whole body is there (on a container thread): validate, route, find the conversation, run. */
    private void read(AsyncContext async, HttpServletResponse resp, BodyReader reader, BodyReader.Body body,
                      String agentHeader, String namespace, TraceContext trace, long start) {
        try {
            ResponsesRequest request = parser.parse(body.bytes(), body.length());
            AgentSpec agent = router.route(request.model(), agentHeader,
                    Caller.of(async.getRequest().getAttribute(Caller.ATTRIBUTE)));
            if (request.previousResponseId() == null) {
                begin(async, resp, reader, request, agent, namespace, null, trace, start);
            } else {
                stored.find(namespace, request.previousResponseId()).whenComplete((found, failure) ->
                        continued(async, resp, reader, request, agent, namespace, found, failure, trace, start));
            }
        } catch (ApiException e) {
            sendAndComplete(async, resp, e);
        }
    }

    private void continued(AsyncContext async, HttpServletResponse resp, BodyReader reader, ResponsesRequest request,
                           AgentSpec agent, String namespace, Optional<StoredResponses.Stored> found,
                           Throwable failure, TraceContext trace, long start) {
        if (failure != null) {
            sendAndComplete(async, resp, storeFailed(failure));
        } else if (found.isEmpty()) {
            sendAndComplete(async, resp, ApiException.badRequest("previous_response_id", "previous_response_not_found",
                    "Previous response with id '" + request.previousResponseId() + "' not found."));
        } else {
            begin(async, resp, reader, request, agent, namespace, found.get().conversation(), trace, start);
        }
    }

    /**
     * Starts the run of {@code request} in {@code conversation} (null: a new one, named after this response), its
     * upstream calls carrying {@code trace}.
     */
    private void begin(AsyncContext async, HttpServletResponse resp, BodyReader reader, ResponsesRequest request,
                       AgentSpec agent, String namespace, SessionKey conversation, TraceContext trace, long start) {
        try {
            ResponseBuilder response = new ResponseBuilder(request, services.clock().instant().getEpochSecond(),
                    ResponseIds.RANDOM);
            SessionKey session = conversation != null ? conversation : request.store()
                    ? StoredResponses.newConversation(namespace, response.id())
                    : SessionKeys.resolve(null, null, agent.id());
            Function<String, CompletionStage<Void>> store = !request.store() ? null
                    : json -> stored.save(namespace, response.id(), new StoredResponses.Stored(session, json));
            RunRequest run = new RunRequest(request.chat(), agent, session, resp.getHeader(RouteFilter.REQUEST_ID),
                    start, Caller.of(async.getRequest().getAttribute(Caller.ATTRIBUTE)), trace);
            ChatExchange.Sinks sinks = (http, writer, onOpened, onClosed, beforeAnswer) -> {
                ResponseEnd end = new ResponseEnd(writer, store);
                return request.stream()
                        ? new ResponseStreamSink(new SseStream(http, writer, services.scheduler(),
                                services.heartbeatMs(), onOpened, onClosed), writer, response, end)
                        : new ResponseJsonSink(http, writer, response, end, beforeAnswer);
            };
            ChatExchange exchange = new ChatExchange(request.store() ? services : readOnly, async, run, sinks);
            reader.handOff(exchange);
            exchange.start();
        } catch (ApiException e) {
            sendAndComplete(async, resp, e);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "clawgate: could not start a response: " + e.getClass().getName());
            sendAndComplete(async, resp, ApiException.internal());
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = RouteFilter.path(req).substring("/v1/responses/".length());
        if (!StoredResponses.validId(id)) {
            ApiErrors.send(resp, notFound(id));
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(services.streamTimeoutMs());
        AsyncWriter writer = new AsyncWriter(async, services.maxQueuedBytes(), failure -> { });
        async.addListener(new WriterEnd(writer)); // a client gone before the store answers: no write after the end
        stored.find(CallerNamespace.of(req), id).whenComplete((found, failure) -> {
            try {
                if (failure != null || found.isEmpty()) {
                    writer.write(ApiErrors.prepare(resp, failure != null ? storeFailed(failure) : notFound(id)));
                } else {
                    byte[] body = found.get().json().getBytes(StandardCharsets.UTF_8);
                    resp.setStatus(200);
                    resp.setContentType("application/json; charset=utf-8");
                    resp.setContentLength(body.length);
                    writer.write(body);
                }
            } finally {
                writer.close();
            }
        });
    }

    private static ApiException notFound(String id) {
        String shown = id.length() > 80 ? id.substring(0, 80) + "…" : id;
        return new ApiException(404, "invalid_request_error", null, "not_found",
                "Response with id '" + shown.replaceAll("[^\\x21-\\x7e]", "?") + "' not found.");
    }

    private static ApiException storeFailed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ApiException e) { // 429 session_busy
            return e;
        }
        LOG.log(Level.WARNING, "clawgate: session store failed: " + cause.getClass().getName());
        return new ApiException(503, "service_unavailable", null, "session_store_unavailable",
                "The session store is unavailable; retry later.", 1L);
    }

    /** Answers {@code e} without blocking (from a container thread or the store's) and completes the request. */
    private void sendAndComplete(AsyncContext async, HttpServletResponse resp, ApiException e) {
        try {
            AsyncWriter writer = new AsyncWriter(async, services.maxQueuedBytes(), failure -> { });
            writer.write(ApiErrors.prepare(resp, e));
            writer.close();
        } catch (IOException | RuntimeException gone) { // the client is gone, or an exchange already writes
            try {
                async.complete();
            } catch (IllegalStateException ignored) {
                // already completed
            }
        }
    }
}
