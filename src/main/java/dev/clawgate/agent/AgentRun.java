package dev.clawgate.agent;

import dev.clawgate.agent.RunReport.Outcome;
import dev.clawgate.config.GatewayConfig.Reasoning;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ResponseMeta;
import dev.clawgate.openai.Usage;
import dev.clawgate.session.SessionStore;
import dev.clawgate.time.Ticker;
import dev.clawgate.upstream.Cancellable;
import dev.clawgate.upstream.DeltaSink;
import dev.clawgate.upstream.UpstreamErrors;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One agent run: lease the session (waiting, without a thread, behind earlier turns on it), assemble the prompt
 * ({@link PromptAssembler}), call the agent's model, gather the reply ({@link AssistantReply}) while relaying every
 * delta to the {@link ReplySink}, then commit the turn before the client hears the end — or release the session
 * unchanged ({@link SessionTurns}). It ends exactly once: by completion, provider error, {@link #cancel()} (the client
 * went away) or {@link #stop} (the front end's deadline); every end but completion cancels the model call. At the end
 * it reports a {@link RunReport} to the callback given at construction. With {@code n > 1} every choice up to
 * {@code n} is relayed with its index and finished; the session stores choice 0. A gathered reply is cut before the
 * piece that would take it (all choices together) past {@code gateway.http.maxReplyBytes}: the model call is
 * cancelled and the run completes as if every open choice had stopped with {@code length}. All state changes hold
 * the monitor.
 *
 * <p>What a run does besides relaying lives beside it: the model calls go through {@link ModelCalls} — one
 * {@link Attempts} per call, which retries and tries the next model of the agent's fallback chain while a call has
 * sent nothing (so {@link #onOpen()} names the model that answers to the sink); the model's reasoning is relayed or
 * dropped as {@code agents.<id>.reasoning} says and never stored. When the agent has server tools
 * ({@code agents.<id>.mcpServers}, {@link RunTools}), a {@link ToolLoop} stands between the model calls and the run:
 * it runs the tool rounds, each round's call through {@link ModelCalls}, and reports them here as one reply of one
 * choice (a {@link RunRequest} for such an agent asks for one); the turn stores every round's messages. Front ends
 * only adapt a {@link ReplySink}.
 */
public final class AgentRun implements DeltaSink {
    private static final System.Logger LOG = System.getLogger(AgentRun.class.getName());

    private final RunRequest request;
    private final ReplySink sink;
    private final ModelCalls calls;
    private final SessionStore sessions;
    private final Ticker ticker;
    private final Consumer<RunReport> onEnd;
    private final AssistantReply reply;
    private final RunTools tools;

    private SessionStore.Lease lease;
    private List<ChatMessage> fresh = List.of();
    private Cancellable upstream;
    private boolean opened;
    private volatile boolean cut;
    private boolean ended;
    private Outcome outcome;
    private long firstDeltaNanos = -1;
    private long promptEstimate;

    /**
     * @param calls    the model calls: the agent's (or the request's) model first, then its fallbacks
     * @param sessions where stateful sessions are kept
     * @param ticker   time source for the report's timings
     * @param maxReplyBytes longest reply, UTF-8 bytes of text and tool-call names and arguments
     * @param onEnd    told once how the run ended; must not throw
     * @param tools    the server tools offered to the model, or {@link RunTools#NONE}
     */
    AgentRun(RunRequest request, ReplySink sink, ModelCalls calls, SessionStore sessions, Ticker ticker,
             long maxReplyBytes, Consumer<RunReport> onEnd, RunTools tools) {
        this.request = request;
        this.sink = sink;
        this.calls = calls;
        this.tools = tools;
        this.sessions = sessions;
        this.ticker = ticker;
        this.onEnd = onEnd;
        this.reply = new AssistantReply(sink.needsWholeReply() || request.session().stateful(), maxReplyBytes);
    }

    /** Takes the session (stateful requests) and calls the model; returns without waiting for either. */
    public void start() {
        if (!request.session().stateful()) {
            begin(null);
            return;
        }
        SessionTurns.acquire(sessions, request.session().value(), (granted, refused) -> {
            if (refused != null) {
                end(refused, Outcome.ERROR, null);
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

    /** Assembles the prompt from the held session's transcript (none when stateless) and calls the provider. */
    private void begin(SessionStore.Lease held) {
        Cancellable handle;
        try {
            PromptAssembler.Prompt prompt = SessionTurns.prompt(request, held);
            long estimate = RunReport.estimate(prompt.upstream());
            synchronized (this) {
                fresh = prompt.fresh();
                promptEstimate = estimate;
            }
            sink.cork(); // what the provider emits within this call goes out together
            try {
                handle = tools.loops() ? tools.start(request, calls, prompt.upstream(), this, this::progress)
                        : calls.start(request, prompt.upstream(), this);
            } finally {
                sink.uncork();
            }
        } catch (ApiException e) {
            end(e, Outcome.ERROR, null);
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "clawgate: run failed to start: " + e.getClass().getName());
            end(ApiException.internal(), Outcome.ERROR, null);
            return;
        }
        boolean cancelNow;
        synchronized (this) {
            upstream = handle;
            cancelNow = ended && outcome != Outcome.OK || cut;
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
        sink.answeredBy(calls.answering());
        sink.open();
    }

    /**
     * A line of progress while server tools run ({@code toolProgress=reasoning}), relayed as reasoning of choice 0:
     * the gateway's own words, not the model's, so {@code agents.<id>.reasoning=drop} does not hide it and no reply
     * body or transcript keeps it.
     */
    private synchronized void progress(String text) {
        if (!ended && !cut) {
            onOpen();
            sink.delta(ChoiceDelta.reasoning(0, text));
        }
    }

    @Override
    public synchronized void onResponseMeta(ResponseMeta meta) {
        if (ended) {
            return;
        }
        reply.meta(meta);
        sink.meta(meta);
    }

    /**
     * Gathers one piece and relays it. A piece that would take the reply past {@code maxReplyBytes} cuts it there:
     * the provider call is cancelled and the run completes with finish reason {@code length} on every open choice.
     * Reasoning goes to the client unless the agent drops it, and into no transcript ({@link AssistantReply}).
     */
    @Override
    public void onDelta(ChoiceDelta piece) {
        ChoiceDelta delta = request.agent().reasoning() == Reasoning.DROP ? piece.withoutReasoning() : piece;
        Cancellable toCancel;
        synchronized (this) {
            if (ended || cut || delta.isEmpty() || delta.index() < 0 || delta.index() >= request.chat().choices()) {
                return;
            }
            if (delta.hasOutput() && firstDeltaNanos < 0) {
                firstDeltaNanos = ticker.nanoTime();
            }
            if (reply.delta(delta)) {
                sink.delta(delta);
                return;
            }
            cut = true;
            toCancel = upstream;
            for (int choice : reply.openChoices()) {
                if (reply.finish(choice, "length")) {
                    sink.finish(choice, "length");
                }
            }
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        complete(true);
    }

    @Override
    public synchronized void onFinish(int choice, String reason) {
        if (ended || cut || choice < 0 || choice >= request.chat().choices() || !reply.finish(choice, reason)) {
            return;
        }
        sink.finish(choice, reply.finishReason(choice));
    }

    @Override
    public synchronized void onUsage(Usage usage) {
        reply.usage(usage);
    }

    /** A client that is behind pauses the provider until it has caught up. */
    @Override
    public void whenReady(Runnable resume) {
        sink.whenReady(resume);
    }

    /** A burst of deltas (one upstream read) reaches the client in one write: {@link ReplySink#cork()}. */
    @Override
    public void cork() { sink.cork(); }

    @Override
    public void uncork() { sink.uncork(); }

    /**
     * The provider is done: commit the turn before the client hears that the run is done, so a client that sends its
     * next message at once finds this turn stored. The store completes the commit on its own thread (no I/O runs on
     * the provider's); when it fails, the client gets a 503 (or its error event) instead of the end.
     */
    @Override
    public void onComplete() {
        complete(false);
    }

    /** Commits the turn (if any), then tells the client the end; {@code byCut}: the reply was cut, not finished. */
    private void complete(boolean byCut) {
        SessionStore.Lease held;
        List<ChatMessage> turn;
        synchronized (this) {
            if (ended || cut != byCut) {
                return;
            }
            onOpen();
            held = lease;
            lease = null;
            turn = held == null ? null : Stream.concat(fresh.stream(), tools.stored(reply, cut).stream()).toList();
        }
        if (held == null) {
            tellEnd();
            return;
        }
        SessionTurns.commit(held, turn, failed -> {
            if (failed != null) {
                end(failed, Outcome.ERROR, null);
            } else {
                tellEnd();
            }
        });
    }

    /** Tells the client the end of a run whose turn (if any) is stored. */
    private void tellEnd() {
        synchronized (this) {
            if (ended) {
                return;
            }
            for (int choice : reply.openChoices()) {
                onFinish(choice, reply.defaultFinishReason(choice));
            }
            sink.complete(reply);
            finish(Outcome.OK, null, null);
        }
        sink.close();
    }

    /** The provider failed; an upstream failure is reported with its kind ({@link UpstreamErrors#kind}). */
    @Override
    public void onError(ApiException error) {
        if (!cut) { // else the provider reports the cancel of a cut reply, which is completing
            end(error, Outcome.ERROR, UpstreamErrors.kind(error));
        }
    }

    // ---- ends from the front end ----

    /** The client went away: cancel the provider call, release the session, tell the client nothing. */
    public void cancel() {
        end(null, Outcome.CANCELLED, null);
    }

    /** Ends the run with {@code error} told to the client (e.g. the request's deadline passed, as TIMEOUT). */
    public void stop(ApiException error, Outcome outcome) {
        end(error, outcome, null);
    }

    /** Whether the run has ended. */
    public synchronized boolean ended() {
        return ended;
    }

    /**
     * Ends the run unless it has ended: tells the sink, releases the session, reports, cancels the provider call.
     *
     * @param error null when the client went away (nothing to tell)
     */
    private void end(ApiException error, Outcome how, String upstreamKind) {
        Cancellable toCancel;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (error != null) {
                sink.error(error);
            } else {
                sink.abandon();
            }
            if (lease != null) {
                lease.release();
                lease = null;
            }
            finish(how, error, upstreamKind);
            toCancel = upstream;
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        if (error != null) {
            sink.close();
        }
    }

    private void finish(Outcome how, ApiException error, String upstreamKind) {
        ended = true;
        outcome = how;
        onEnd.accept(new RunReport(request, how, error, upstreamKind, reply.usage(), firstDeltaNanos,
                ticker.nanoTime(), promptEstimate, calls.failures(), tools.rounds()));
    }
}
