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
 * The HTTP side of one chat completion after {@code startAsync()}: picks the reply sink ({@link SseEmitter} or
 * {@link JsonReplyWriter}) over one {@link AsyncWriter}, starts the {@link AgentRun}, and maps the container's async
 * events onto it — the async timeout ({@code gateway.http.streamTimeoutMs}) stops the run with a 504 {@code timeout}
 * error, a container error or a failed write cancels it. At the run's end it tells the events (access log, metrics)
 * one {@link RequestRecord}.
 */
final class ChatExchange implements AsyncListener {
    private final ChatCompletionsServlet.Services services;
    private final AsyncWriter writer;
    private final SseEmitter emitter;
    private final AgentRun run;
    private final boolean stream;

    ChatExchange(ChatCompletionsServlet.Services services, AsyncContext async, RunRequest request) throws IOException {
        this.services = services;
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        ChatRequest chat = request.chat();
        this.stream = chat.stream();
        String id = Ids.completionId();
        long created = services.clock().instant().getEpochSecond();
        this.writer = new AsyncWriter(async, failure -> clientGone());
        String agent = request.agent().id();
        GatewayEvents events = services.events();
        this.emitter = stream ? new SseEmitter(response, writer, new ChunkJson(id, created, chat.echoModel(),
                chat.includeUsage()), chat.includeUsage(), services.scheduler(), services.heartbeatMs(),
                () -> events.streamOpened(agent), () -> events.streamClosed(agent)) : null;
        ReplySink sink = stream ? emitter : new JsonReplyWriter(response, writer, id, created, chat.echoModel());
        this.run = services.runner().run(request, sink, this::report);
    }

    void start() {
        run.start();
    }

    private void clientGone() {
        if (!run.ended()) {
            run.cancel();
        }
    }

    private void report(RunReport r) {
        RunRequest q = r.request();
        ApiException error = r.error();
        if (r.upstreamErrorKind() != null) {
            services.events().upstreamError(q.agent().id(), r.upstreamErrorKind());
        }
        boolean streamStarted = emitter != null && emitter.opened();
        int status = streamStarted || r.outcome() == RunReport.Outcome.OK ? 200 : error != null ? error.status() : 499;
        services.events().requestFinished(new RequestRecord(q.requestId(), q.agent().id(),
                q.session().kind().label(), stream, status, r.outcome().label(), error == null ? null : error.type(),
                r.endNanos() - q.startNanos(), r.firstDeltaNanos() < 0 ? -1 : r.firstDeltaNanos() - q.startNanos(),
                r.usage().promptTokens(), r.usage().completionTokens(), r.toolRounds()));
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
    }

    @Override
    public void onComplete(AsyncEvent event) {
        clientGone();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
