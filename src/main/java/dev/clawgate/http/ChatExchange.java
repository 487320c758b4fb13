package dev.clawgate.http;

import dev.clawgate.Gateway;
import dev.clawgate.Gateway.RequestRecord;
import dev.clawgate.agent.PromptAssembler;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionStore;
import dev.clawgate.upstream.Cancellable;
import dev.clawgate.upstream.ChatProvider;
import dev.clawgate.upstream.DeltaSink;
import dev.clawgate.upstream.UpstreamErrors;
import dev.clawgate.upstream.UpstreamRequest;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One chat completion in flight, after {@code startAsync()}: takes the session, runs the agent's provider, and turns
 * its deltas into either an SSE stream or one JSON body. It ends exactly once, by completion, upstream error, client
 * disconnect (a failed write or the container's {@code onError}) or the async timeout; every end but completion
 * cancels the upstream and leaves the session as it was. All state changes hold this object's monitor.
 */
final class ChatExchange implements DeltaSink, AsyncListener {
    private static final System.Logger LOG = System.getLogger(ChatExchange.class.getName());

    private final Gateway gateway;
    private final AsyncContext async;
    private final HttpServletResponse response;
    private final ChatRequest request;
    private final AgentSpec agent;
    private final SessionKey session;
    private final String requestId;
    private final String completionId;
    private final long created;
    private final long startNanos;
    private final SseFrames frames;
    private final AsyncWriter writer;

    private SessionStore.Lease lease;
    private List<ChatMessage> fresh = List.of();
    private Cancellable upstream;
    private boolean opened;
    private boolean ended;
    private long firstDeltaNanos = -1;
    private long lastWriteNanos;
    private ScheduledFuture<?> heartbeat;
    private final AssistantReply reply;

    ChatExchange(Gateway gateway, AsyncContext async, ChatRequest request, AgentSpec agent, SessionKey session,
                 String requestId, long startNanos) throws IOException {
        this.gateway = gateway;
        this.async = async;
        this.response = (HttpServletResponse) async.getResponse();
        this.request = request;
        this.agent = agent;
        this.session = session;
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.completionId = Ids.completionId();
        this.created = gateway.clock().instant().getEpochSecond();
        this.frames = request.stream() ? new SseFrames(completionId, created, request.echoModel(), request.includeUsage())
                : null;
        this.reply = new AssistantReply(!request.stream() || session.stateful());
        this.writer = new AsyncWriter(async, this::clientGone);
    }

    /** Takes the session (waiting, without a thread, behind earlier turns on it) and starts the run. */
    void start() {
        if (!session.stateful()) {
            begin(null);
            return;
        }
        gateway.sessions().acquire(session.value()).whenComplete((granted, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause()
                        != null ? failure.getCause() : failure;
                if (cause instanceof ApiException refused) { // session_busy
                    fail(refused, false);
                    return;
                }
                LOG.log(Level.WARNING, "clawgate: session store failed: " + cause.getClass().getName());
                fail(storeUnavailable(), false);
                return;
            }
            synchronized (this) {
                if (ended) {
                    granted.release();
                    return;
                }
                lease = granted;
            }
            begin(granted);
        });
    }

    private void begin(SessionStore.Lease held) {
        ChatProvider provider = gateway.providers().get(agent.provider());
        Cancellable handle;
        try {
            PromptAssembler.Prompt prompt = PromptAssembler.assemble(agent, request.messages(),
                    held == null ? List.of() : held.transcript());
            if (held != null) {
                held.admit(prompt.fresh()); // 413 turn_too_large before the run
            }
            synchronized (this) {
                fresh = prompt.fresh();
            }
            writer.cork(); // what the provider emits within this call goes out in one write
            try {
                handle = provider.stream(new UpstreamRequest(agent.model(), prompt.upstream(),
                        request.upstreamParams(), request.maxTokens()), this);
            } finally {
                writer.uncork();
            }
        } catch (ApiException e) {
            fail(e, false);
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "clawgate: run failed to start: " + e.getClass().getName());
            fail(ApiException.internal(), false);
            return;
        }
        boolean cancelNow;
        synchronized (this) {
            upstream = handle;
            cancelNow = ended && !"ok".equals(outcome);
        }
        if (cancelNow) {
            handle.cancel();
        }
    }

    // ---- DeltaSink: called by the provider, one call at a time ----

    @Override
    public synchronized void onOpen() {
        if (ended || opened) {
            return;
        }
        opened = true;
        if (frames != null) {
            response.setStatus(200);
            response.setContentType("text/event-stream; charset=utf-8");
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
            gateway.events().streamOpened(agent.id());
            send(frames.role());
            scheduleHeartbeat(gateway.config().http().heartbeatMs());
        }
    }

    @Override
    public synchronized void onContent(String text) {
        if (ended || text.isEmpty()) {
            return;
        }
        markFirstDelta();
        reply.content(text);
        if (frames != null) {
            send(frames.content(text));
        }
    }

    @Override
    public synchronized void onToolCall(ToolCallDelta delta) {
        if (ended) {
            return;
        }
        markFirstDelta();
        reply.toolCall(delta);
        if (frames != null) {
            send(frames.toolCall(delta));
        }
    }

    @Override
    public synchronized void onFinish(String reason) {
        if (ended || !reply.finish(reason)) {
            return;
        }
        if (frames != null) {
            send(frames.finish(reply.finishReason()));
        }
    }

    /** A streaming client that is behind pauses the upstream read until its backlog has drained. */
    @Override
    public void whenReady(Runnable resume) {
        if (frames == null) {
            resume.run();
        } else {
            writer.whenDrained(resume);
        }
    }

    @Override
    public synchronized void onUsage(Usage u) {
        reply.usage(u);
    }

    @Override
    public void onComplete() {
        SessionStore.Lease held;
        List<ChatMessage> turn;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (!opened) {
                onOpen();
            }
            held = lease;
            lease = null;
            turn = held == null ? null : turn();
        }
        if (held == null) {
            finish();
            return;
        }
        // commit before the client hears that the run is done, so a client that sends its next message at once finds
        // this turn stored; the store completes the stage on its own thread, so no I/O runs on this one
        CompletionStage<Void> committed;
        try {
            committed = held.commit(turn);
        } catch (RuntimeException e) {
            committed = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        committed.whenComplete((v, error) -> {
            if (error != null) {
                LOG.log(Level.WARNING, "clawgate: session commit failed: " + error.getClass().getName());
                fail(storeUnavailable(), false);
            } else {
                finish();
            }
        });
    }

    /** Sends the end of a completed run. When the store failed, the client gets a 503 (or its error frame) instead. */
    private void finish() {
        synchronized (this) {
            if (ended) {
                return;
            }
            if (reply.finishReason() == null) {
                onFinish(reply.defaultFinishReason());
            }
            if (frames != null) {
                if (request.includeUsage()) {
                    send(frames.usage(reply.usage()));
                }
                send(SseFrames.DONE);
            } else {
                byte[] body = reply.completionJson(completionId, created, request.echoModel())
                        .getBytes(StandardCharsets.UTF_8);
                response.setStatus(200);
                response.setContentType("application/json; charset=utf-8");
                response.setContentLength(body.length);
                send(body);
            }
            end("ok", null);
        }
        writer.close();
    }

    private static ApiException storeUnavailable() {
        return new ApiException(503, "service_unavailable", null, "session_store_unavailable",
                "The session store is unavailable; retry later.", 1L);
    }

    /** The provider failed; an upstream failure is also counted by its kind ({@link UpstreamErrors#kind}). */
    @Override
    public void onError(ApiException error) {
        String kind = UpstreamErrors.kind(error);
        if (kind != null) {
            synchronized (this) {
                if (ended) {
                    return;
                }
            }
            gateway.events().upstreamError(agent.id(), kind);
        }
        fail(error, false);
    }

    // ---- AsyncListener: container events ----

    @Override
    public void onTimeout(AsyncEvent event) {
        long ms = gateway.config().http().streamTimeoutMs();
        fail(new ApiException(504, "api_error", null, "timeout", "The request did not finish within " + ms
                + " ms (gateway.http.streamTimeoutMs)."), true);
        writer.forceComplete();
    }

    @Override
    public void onError(AsyncEvent event) {
        clientGone(event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        fail(null, false);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }

    // ---- ends ----

    private void clientGone(Throwable cause) {
        synchronized (this) {
            if (ended) {
                return;
            }
        }
        fail(null, false);
    }

    private String outcome;

    /**
     * Ends the exchange unless it has ended: cancels the upstream, releases the session, and tells the client
     * {@code error} when there is one and it can still be told.
     */
    private void fail(ApiException error, boolean timeout) {
        Cancellable toCancel;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (error != null && !writer.failed()) {
                if (!streamStarted()) {
                    send(ApiErrors.prepare(response, error));
                } else {
                    send(SseFrames.error(error));
                    send(SseFrames.DONE);
                }
            }
            if (lease != null) {
                lease.release();
                lease = null;
            }
            String kind = error == null ? "cancelled" : timeout ? "timeout" : "error";
            end(kind, error);
            toCancel = upstream;
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        if (error != null) {
            writer.close();
        }
    }

    private void end(String kind, ApiException error) {
        ended = true;
        outcome = kind;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (streamStarted()) {
            gateway.events().streamClosed(agent.id());
        }
        long now = System.nanoTime();
        int status = streamStarted() || "ok".equals(kind) ? 200 : error != null ? error.status() : 499;
        Usage u = reply.usage();
        gateway.requestFinished(new RequestRecord(requestId, agent.id(), session.kind().label(), request.stream(),
                status, kind, error == null ? null : error.type(), now - startNanos,
                firstDeltaNanos < 0 ? -1 : firstDeltaNanos - startNanos, u.promptTokens(), u.completionTokens()));
    }

    // ---- helpers ----

    private void send(byte[] bytes) {
        lastWriteNanos = System.nanoTime();
        writer.write(bytes);
    }

    /** Whether the 200 and SSE headers are out, so errors must go as a frame. */
    private boolean streamStarted() {
        return frames != null && opened;
    }

    private void markFirstDelta() {
        if (firstDeltaNanos < 0) {
            firstDeltaNanos = System.nanoTime();
        }
    }

    private void scheduleHeartbeat(long delayMs) {
        heartbeat = gateway.scheduler().schedule(this::heartbeat, delayMs, TimeUnit.MILLISECONDS);
    }

    private synchronized void heartbeat() {
        if (ended) {
            return;
        }
        long periodNanos = TimeUnit.MILLISECONDS.toNanos(gateway.config().http().heartbeatMs());
        long idle = System.nanoTime() - lastWriteNanos;
        if (idle >= periodNanos) {
            send(SseFrames.KEEPALIVE);
            idle = 0;
        }
        scheduleHeartbeat(Math.max(1, TimeUnit.NANOSECONDS.toMillis(periodNanos - idle)));
    }

    private List<ChatMessage> turn() {
        List<ChatMessage> turn = new ArrayList<>(fresh.size() + 1);
        turn.addAll(fresh);
        turn.add(reply.message());
        return turn;
    }
}
