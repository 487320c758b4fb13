package dev.clawgate.http;

import dev.clawgate.agent.AgentRun;
import dev.clawgate.agent.ReplySink;
import dev.clawgate.agent.RunReport;
import dev.clawgate.agent.RunRequest;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.events.RequestRecord;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.openai.ChunkJson;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The HTTP side of one agent run after {@code startAsync()}: makes the reply sink ({@link SseEmitter} or
 * {@link JsonReplyWriter} for a chat completion, the {@link Sinks} of another front end such as
 * {@link ResponsesServlet}) over one {@link AsyncWriter}, starts the {@link AgentRun}, and maps the container's async
 * events onto it — the async timeout ({@code gateway.http.streamTimeoutMs}) stops the run with a 504 {@code timeout}
 * error, a container error or a failed write cancels it. A non-streaming client writes nothing until the end, so
 * its hang-up is looked for by a {@link DisconnectWatch} ({@code gateway.http.disconnectCheckMs}) and cancels the
 * run the same way. At the run's end it tells the events (access log, metrics) one {@link RequestRecord} and charges
 * the run's tokens to its caller ({@link RunReport#chargedTokens()}: what the upstream reported, or the prompt
 * estimate for a run cancelled before that).
 */
final class ChatExchange implements AsyncListener {
    private final ChatCompletionsServlet.Services services;
    private final AsyncWriter writer;
    private final ReplySink sink;
    private final AgentRun run;
    private final DisconnectWatch watch;
    private final boolean stream;

    /**
     * Makes an exchange's reply sink over its response and writer; {@code onOpened} / {@code onClosed} count open
     * streams, and a non-streaming sink runs {@code beforeAnswer} before it writes anything or is abandoned (the
     * exchange then stops probing for the client's hang-up).
     */
    interface Sinks {
        ReplySink create(HttpServletResponse response, AsyncWriter writer, Runnable onOpened, Runnable onClosed,
                         Runnable beforeAnswer);
    }

    /** A sink whose stream may have sent its 200: an error after that is an event, and the request counts as a 200. */
    interface StreamSink extends ReplySink {
        boolean opened();
    }

    /** A chat completion: {@link SseEmitter} or {@link JsonReplyWriter}. */
    ChatExchange(ChatCompletionsServlet.Services services, AsyncContext async, RunRequest request) throws IOException {
        this(services, async, request, chatSinks(services, request));
    }

    /** Another front end's run (e.g. {@code /v1/responses}), with the same events, timeout and cancellation. */
    ChatExchange(ChatCompletionsServlet.Services services, AsyncContext async, RunRequest request, Sinks sinks)
            throws IOException {
        this.services = services;
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        this.stream = request.chat().stream();
        this.writer = new AsyncWriter(async, services.maxQueuedBytes(), failure -> clientGone());
        String agent = request.agent().id();
        GatewayEvents events = services.events();
        this.watch = stream ? null : new DisconnectWatch(ConnectionProbe.lazily(async.getRequest()),
                services.scheduler(), services.disconnectCheckMs(), response, this::hungUp);
        Runnable beforeAnswer = watch == null ? () -> { } : watch::stop;
        this.sink = sinks.create(response, writer, () -> events.streamOpened(agent), () -> events.streamClosed(agent),
                beforeAnswer);
        this.run = services.runner().run(request, sink, this::report);
    }

    private static Sinks chatSinks(ChatCompletionsServlet.Services services, RunRequest request) {
        ChatRequest chat = request.chat();
        String id = Ids.completionId();
        long created = services.clock().instant().getEpochSecond();
        return (response, writer, onOpened, onClosed, beforeAnswer) -> chat.stream()
                ? new SseEmitter(response, writer, new ChunkJson(id, created, chat.echoModel(), chat.includeUsage()),
                        chat.includeUsage(), services.scheduler(), services.heartbeatMs(), onOpened, onClosed)
                : new JsonReplyWriter(response, writer, id, created, chat.echoModel(), beforeAnswer);
    }

    void start() {
        run.start();
        if (watch != null) {
            watch.start();
        }
    }

    /** The non-streaming client hung up: cancel the run (nothing is committed) and end the exchange. */
    private void hungUp() {
        clientGone();
        writer.forceComplete();
    }

    private void clientGone() {
        if (watch != null) {
            watch.stop();
        }
        if (!run.ended()) {
            run.cancel();
        }
    }

    private void report(RunReport r) {
        RunRequest q = r.request();
        ApiException error = r.error();
        for (RunReport.Retried given : r.retried()) {
            services.events().upstreamError(q.agent().id(), given.kind());
            if (given.fallback()) {
                services.events().upstreamFallback(q.agent().id(), given.model(), given.next());
            }
        }
        if (r.upstreamErrorKind() != null) {
            services.events().upstreamError(q.agent().id(), r.upstreamErrorKind());
        }
        boolean streamStarted = sink instanceof StreamSink s && s.opened();
        int status = streamStarted || r.outcome() == RunReport.Outcome.OK ? 200 : error != null ? error.status() : 499;
        long charged = r.chargedTokens();
        services.usage().tokensUsed(q.caller(), charged);
        services.events().requestFinished(new RequestRecord(q.requestId(), q.agent().id(),
                q.session().kind().label(), stream, status, r.outcome().label(), error == null ? null : error.type(),
                r.endNanos() - q.startNanos(), r.firstDeltaNanos() < 0 ? -1 : r.firstDeltaNanos() - q.startNanos(),
                r.usage().promptTokens(), r.usage().completionTokens(), q.caller().name(), q.caller().label(),
                error == null ? null : error.code(), q.trace().traceId(), q.agent().provider() + "/" + q.agent().model(),
                r.upstreamErrorKind(), r.toolRounds()));
    }

    // ---- AsyncListener: container events, handed over by the BodyReader ----

    @Override
    public void onTimeout(AsyncEvent event) {
        run.stop(new ApiException(504, "api_error", null, "timeout", "The request did not finish within "
                + services.streamTimeoutMs() + " ms (gateway.http.streamTimeoutMs)."), RunReport.Outcome.TIMEOUT);
        writer.forceComplete();
    }

    @Override
    public void onError(AsyncEvent event) {
        clientGone();
        writer.ended();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        clientGone();
        writer.ended();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
