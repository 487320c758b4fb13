package dev.clawgate.agent;

import dev.clawgate.agent.RunReport.Outcome;
import dev.clawgate.config.GatewayConfig.ToolProgress;
import dev.clawgate.mcp.ToolOffer;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import dev.clawgate.session.SessionStore;
import dev.clawgate.time.Ticker;
import dev.clawgate.upstream.Cancellable;
import dev.clawgate.upstream.ChatProvider;
import dev.clawgate.upstream.DeltaSink;
import dev.clawgate.upstream.UpstreamErrors;
import dev.clawgate.upstream.UpstreamRequest;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One agent run: lease the session (waiting, without a thread, behind earlier turns on it), assemble the prompt
 * ({@link PromptAssembler}), call the agent's provider, gather the reply ({@link AssistantReply}) while relaying
 * every delta to the {@link ReplySink}, then commit the turn before the client hears the end — or release the session
 * unchanged. It ends exactly once: by completion, provider error, {@link #cancel()} (the client went away) or
 * {@link #stop} (the front end's deadline); every end but completion cancels the provider call. At the end it
 * reports a {@link RunReport} to the callback given at construction. All state changes hold this object's monitor.
 * A gathered reply is cut before the piece that would take it past {@code gateway.http.maxReplyBytes}: the provider
 * call is cancelled and the run completes as if the model had stopped with {@code length} (answered, stored).
 *
 * <p>This is the one place a run's behaviour grows: trying the next provider of a fallback chain when the first
 * fails before {@link #onOpen()}, tool rounds, and policy read from the {@link RunRequest}. Front ends only adapt a
 * {@link ReplySink}. When the agent has server tools, a {@link ToolLoop} stands between the provider and the run:
 * it runs the rounds and reports them here as one reply, and the turn stores its messages.
 */
public final class AgentRun implements DeltaSink {
    private static final System.Logger LOG = System.getLogger(AgentRun.class.getName());

    private final RunRequest request;
    private final ReplySink sink;
    private final ChatProvider provider;
    private final SessionStore sessions;
    private final Ticker ticker;
    private final Consumer<RunReport> onEnd;
    private final AssistantReply reply;
    /** The agent's server tools for this run, or null: then the provider is called once, without a loop. */
    private final ToolOffer tools;
    private ToolLoop loop;

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
     * @param provider the agent's provider
     * @param sessions where stateful sessions are kept
     * @param ticker   time source for the report's timings
     * @param maxReplyBytes longest reply, UTF-8 bytes of text and tool-call names and arguments
     * @param onEnd    told once how the run ended; must not throw
     * @param tools    the server tools offered to the model ({@link ToolLoop}), or null for none
     */
    AgentRun(RunRequest request, ReplySink sink, ChatProvider provider, SessionStore sessions, Ticker ticker,
             long maxReplyBytes, Consumer<RunReport> onEnd, ToolOffer tools) {
        this.request = request;
        this.sink = sink;
        this.provider = provider;
        this.sessions = sessions;
        this.ticker = ticker;
        this.onEnd = onEnd;
        this.tools = tools;
        this.reply = new AssistantReply(sink.needsWholeReply() || request.session().stateful(), maxReplyBytes);
    }

    /** Takes the session (stateful requests) and calls the provider; returns without waiting for either. */
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
            PromptAssembler.Prompt prompt = PromptAssembler.assemble(request.agent(), request.chat().messages(),
                    held == null ? List.of() : held.transcript());
            if (held != null) {
                held.admit(prompt.fresh()); // 413 turn_too_large before the run, not after it
            }
            long estimate = RunReport.estimate(prompt.upstream());
            synchronized (this) {
                fresh = prompt.fresh();
                promptEstimate = estimate;
            }
            sink.cork(); // what the provider emits within this call goes out together
            try {
                handle = tools == null ? provider.stream(new UpstreamRequest(request.agent().model(),
                        prompt.upstream(), request.chat().upstreamParams(), request.chat().maxTokens()), this)
                        : loop(prompt.upstream()).start(); // the loop reports its rounds as one reply
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
        sink.open();
    }

    @Override
    public void onContent(String text) {
        if (!text.isEmpty()) {
            relay(() -> reply.content(text), () -> sink.content(text));
        }
    }

    private synchronized ToolLoop loop(List<ChatMessage> prompt) {
        loop = new ToolLoop(request, provider, tools, prompt, this,
                request.agent().toolProgress() == ToolProgress.REASONING ? this::progress : null);
        return loop;
    }

    /** A line of progress while server tools run ({@code toolProgress=reasoning}). */
    private synchronized void progress(String text) {
        if (!ended) {
            sink.reasoning(text);
        }
    }

    @Override
    public void onToolCall(ToolCallDelta delta) {
        relay(() -> reply.toolCall(delta), () -> sink.toolCall(delta));
    }

    /**
     * Gathers one piece and relays it. A piece that would take the reply past {@code maxReplyBytes} cuts it there:
     * the provider call is cancelled and the run completes with finish reason {@code length}.
     */
    private void relay(BooleanSupplier gather, Runnable send) {
        Cancellable toCancel;
        synchronized (this) {
            if (ended || cut) {
                return;
            }
            if (firstDeltaNanos < 0) {
                firstDeltaNanos = ticker.nanoTime();
            }
            if (gather.getAsBoolean()) {
                send.run();
                return;
            }
            cut = true;
            toCancel = upstream;
            if (reply.finish("length")) {
                sink.finish("length");
            }
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        complete(true);
    }

    @Override
    public synchronized void onFinish(String reason) {
        if (ended || cut || !reply.finish(reason)) {
            return;
        }
        sink.finish(reply.finishReason());
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
            turn = held == null ? null : turn();
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
            if (reply.finishReason() == null) {
                onFinish(reply.defaultFinishReason());
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
                ticker.nanoTime(), promptEstimate, loop == null ? 0 : loop.toolRounds()));
    }

    /** What the turn stores: the fresh messages, then every round's (a cut reply: the reply as the client got it). */
    private List<ChatMessage> turn() {
        List<ChatMessage> turn = new ArrayList<>(fresh);
        turn.addAll(loop != null && !cut ? loop.messages() : List.of(reply.message()));
        return turn;
    }
}
