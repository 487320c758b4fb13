package dev.clawgate.agent;

import dev.clawgate.mcp.ToolOffer;
import dev.clawgate.mcp.ToolOutcome;
import dev.clawgate.mcp.ToolResult;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ResponseMeta;
import dev.clawgate.openai.ToolCall;
import dev.clawgate.openai.Usage;
import dev.clawgate.upstream.Cancellable;
import dev.clawgate.upstream.DeltaSink;
import dev.clawgate.upstream.UpstreamRequest;
import jakarta.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The server-tool rounds of one {@link AgentRun}: it sits between the model calls and the run, so the run sees one
 * continuous model reply of one choice. Each round calls the model — through {@code calls}, i.e. {@link ModelCalls}:
 * retries and fallbacks per round — with the conversation so far and the tools ({@link ToolParams}: the client's own
 * and the agent's allowed server tools). When the model calls server tools, the loop calls them in parallel
 * ({@link ToolOffer#call}, never failing: a failure is an error result), appends the assistant message and one
 * {@code tool} message per result, and calls the model again — at most {@code agents.<id>.maxToolRounds} [8] rounds
 * that run tools, then once more without server tools; at most {@value #MAX_CALLS_PER_ROUND} calls of one response
 * run (the rest are answered with an error result). The run ends when a round calls no server tool, or calls a client
 * tool (the server calls of that round run first and are part of the turn).
 *
 * <p>What the run (and so the client) sees ({@link RoundView}): choice 0 of every round — text (rounds joined by a
 * blank line), reasoning, other delta fields, logprobs — and the client's tool calls (renumbered from 0), the last
 * round's finish reason and the usage summed over all rounds ({@link UsageTotal}, passed on after every round, so a
 * run that fails later still reports what it used). Server tool calls never reach the client; their names and
 * arguments count toward {@code maxReplyBytes}, and a run whose held-back calls pass it ends there with
 * {@code length}. With {@code toolProgress=reasoning} each call is announced through {@code progress}.
 * {@link #messages()} is what the turn stores after the client's new messages: every assistant message and tool
 * result in order. {@link #cancel()} cancels the model call and the tool calls in flight.
 *
 * <p>Model callbacks come one at a time; tool results on the toolbox's threads; cancel from anywhere. Every state
 * change holds this object's monitor; calls into the run are made while holding it, model calls are started without
 * it (a call's callbacks take its {@link Attempts}' monitor, then this one).
 */
final class ToolLoop implements DeltaSink, Cancellable {
    /** Most server tool calls run from one model response; the rest get an error result without being run. */
    static final int MAX_CALLS_PER_ROUND = 32;

    private final RunRequest request;
    private final BiFunction<UpstreamRequest, DeltaSink, Cancellable> calls;
    private final ToolOffer offer;
    private final ToolParams params;
    private final DeltaSink run;
    private final Consumer<String> progress;
    private final List<ChatMessage> conversation;
    private final List<ChatMessage> produced = new ArrayList<>();
    private final int maxToolRounds;
    private final long maxHiddenBytes;
    private final UsageTotal usage = new UsageTotal();

    private int round;
    private volatile int toolRounds;
    private boolean lastRound;
    private boolean roundOpen;
    private AssistantReply current;
    private RoundView view;
    private boolean sentContent;
    private long hiddenBytes;
    private Cancellable upstream;
    private List<CompletableFuture<ToolResult>> pending = List.of();
    private boolean done;
    private boolean cancelled;
    private volatile List<ChatMessage> stored = List.of();

    /**
     * @param calls          starts one model call (a round) into the given sink and returns its handle
     * @param prompt         the assembled prompt of the first round
     * @param run            the run the loop reports to, as one continuous reply
     * @param progress       told a line per server tool call when the agent's {@code toolProgress} is
     *                       {@code reasoning}, else null
     * @param maxHiddenBytes {@code gateway.http.maxReplyBytes}: most UTF-8 bytes of server tool-call names and
     *                       arguments one run gathers
     */
    ToolLoop(RunRequest request, BiFunction<UpstreamRequest, DeltaSink, Cancellable> calls, ToolOffer offer,
             List<ChatMessage> prompt, DeltaSink run, Consumer<String> progress, long maxHiddenBytes) {
        this.request = request;
        this.calls = calls;
        this.offer = offer;
        this.params = new ToolParams(request.chat().upstreamParams(), offer);
        this.run = run;
        this.progress = progress;
        this.conversation = new ArrayList<>(prompt);
        this.maxToolRounds = request.agent().maxToolRounds();
        this.maxHiddenBytes = maxHiddenBytes;
    }

    /** Calls the model for the first round; returns the loop, which cancels whatever runs then. */
    Cancellable start() {
        nextRound();
        return this;
    }

    /** Rounds that ran server tools so far. */
    int toolRounds() {
        return toolRounds;
    }

    /** The turn's messages after the client's: assistant messages and tool results, in order (set at the end). */
    List<ChatMessage> messages() {
        return stored;
    }

    /** Starts the next round's model call, without holding the monitor (see the class comment). */
    private void nextRound() {
        UpstreamRequest next;
        int thisRound;
        synchronized (this) {
            if (done) {
                return;
            }
            thisRound = ++round;
            roundOpen = true;
            current = new AssistantReply(true);
            view = new RoundView(params, sentContent);
            next = new UpstreamRequest(request.agent().model(), conversation, params.forRound(lastRound),
                    request.chat().maxTokens(), 1, request.trace(), request.chat().stream());
        }
        Cancellable handle;
        try {
            handle = calls.apply(next, this);
        } catch (RuntimeException e) {
            onError(e instanceof ApiException api ? api : ApiException.internal());
            return;
        }
        boolean cancelNow;
        synchronized (this) {
            cancelNow = cancelled;
            if (!done && round == thisRound && roundOpen) {
                upstream = handle;
            }
        }
        if (cancelNow) {
            handle.cancel();
        }
    }

    // ---- DeltaSink: the current round's model call ----

    /** Each round's call opens; the run takes the first. */
    @Override
    public synchronized void onOpen() {
        if (!done) {
            run.onOpen();
        }
    }

    @Override
    public synchronized void onResponseMeta(ResponseMeta meta) {
        if (!done) {
            run.onResponseMeta(meta);
        }
    }

    /** Gathers choice 0's piece for the round's message and passes on what the client sees of it. */
    @Override
    public void onDelta(ChoiceDelta delta) {
        Cancellable toCancel;
        synchronized (this) {
            if (done || !roundOpen || delta.index() != 0) {
                return;
            }
            current.delta(new ChoiceDelta(0, delta.content(), null, delta.toolCalls(), null, null)); // message only
            List<ChoiceDelta> visible = view.visible(delta);
            if (hiddenBytes + view.hiddenBytes() <= maxHiddenBytes) {
                sentContent |= view.sentContent();
                visible.forEach(run::onDelta); // a cut by the run cancels this loop, which ends the rest
                return;
            }
            toCancel = cut();
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        tellEnd("length");
    }

    @Override
    public synchronized void onFinish(int choice, String reason) {
        if (!done && roundOpen && choice == 0) {
            current.finish(0, reason);
        }
    }

    @Override
    public synchronized void onUsage(Usage u) {
        usage.add(u);
        if (!done) {
            run.onUsage(usage.total());
        }
    }

    @Override
    public void whenReady(Runnable resume) {
        run.whenReady(resume);
    }

    @Override
    public void onError(ApiException error) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            upstream = null;
        }
        run.onError(error);
    }

    /** The round's reply is whole: end the run, or call its server tools and go on. */
    @Override
    public void onComplete() {
        List<ToolCall> server = new ArrayList<>();
        List<CompletableFuture<ToolResult>> calling;
        boolean clientToo;
        String finishReason;
        synchronized (this) {
            if (done || !roundOpen) {
                return;
            }
            roundOpen = false;
            upstream = null;
            hiddenBytes += view.hiddenBytes();
            ChatMessage assistant = params.assistant(current.message(), round, lastRound, server);
            conversation.add(assistant);
            produced.add(assistant);
            finishReason = current.finishReason();
            calling = server.isEmpty() ? null : callTools(server);
            clientToo = assistant.toolCalls().size() > server.size();
            if (calling == null) {
                finished();
            }
        }
        if (calling == null) {
            tellEnd(finishReason);
            return;
        }
        CompletableFuture.allOf(calling.toArray(CompletableFuture[]::new))
                .whenComplete((v, failed) -> toolsDone(server, calling, clientToo));
    }

    /** Starts the round's server calls (announcing each); holds the monitor. */
    private List<CompletableFuture<ToolResult>> callTools(List<ToolCall> server) {
        toolRounds++;
        List<CompletableFuture<ToolResult>> calling = new ArrayList<>(server.size());
        for (ToolCall c : server) {
            if (calling.size() >= MAX_CALLS_PER_ROUND) {
                calling.add(CompletableFuture.completedFuture(new ToolResult("not run: more than "
                        + MAX_CALLS_PER_ROUND + " tool calls in one response", true, ToolOutcome.NOT_ALLOWED)));
                continue;
            }
            if (progress != null) {
                progress.accept("calling " + c.name() + "…\n");
            }
            calling.add(offer.call(c.name(), c.arguments()));
        }
        pending = calling;
        return calling;
    }

    /** The round's server calls are done: append their results, then end (a client call was made) or go on. */
    private void toolsDone(List<ToolCall> server, List<CompletableFuture<ToolResult>> calling, boolean clientToo) {
        synchronized (this) {
            if (done || pending != calling) {
                return;
            }
            pending = List.of();
            for (int i = 0; i < server.size(); i++) {
                ChatMessage result = ToolParams.result(server.get(i), calling.get(i).getNow(null));
                conversation.add(result);
                produced.add(result);
            }
            if (clientToo) {
                finished();
            } else {
                lastRound = toolRounds >= maxToolRounds;
            }
        }
        if (clientToo) {
            tellEnd("tool_calls");
        } else {
            nextRound();
        }
    }

    /** The loop is done: what the turn stores is fixed. Holds the monitor. */
    private void finished() {
        done = true;
        stored = List.copyOf(produced);
    }

    /**
     * The server calls held back passed {@code maxHiddenBytes}: the run ends with this round's text (no tool call),
     * as a reply cut at {@code maxReplyBytes} does. Holds the monitor; returns the model call to cancel.
     */
    private Cancellable cut() {
        String text = current.message().text();
        if (!text.isEmpty()) {
            produced.add(new ChatMessage("assistant", Json.createValue(text), null, null, null));
        }
        finished();
        cancelled = true;
        Cancellable model = upstream;
        upstream = null;
        return model;
    }

    /** Tells the run the end (the summed usage it has already): the finish reason, then completion. */
    private void tellEnd(String finishReason) {
        if (finishReason != null) {
            run.onFinish(0, finishReason);
        }
        run.onComplete();
    }

    /** The client went away or the run was stopped: cancel the model call and every tool call in flight. */
    @Override
    public void cancel() {
        Cancellable model;
        List<CompletableFuture<ToolResult>> tools;
        synchronized (this) {
            done = true;
            cancelled = true;
            model = upstream;
            upstream = null;
            tools = pending;
            pending = List.of();
        }
        if (model != null) {
            model.cancel();
        }
        tools.forEach(f -> f.cancel(true));
    }
}
