package dev.clawgate.agent;

import dev.clawgate.mcp.ToolOffer;
import dev.clawgate.mcp.ToolOutcome;
import dev.clawgate.mcp.ToolResult;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ToolCall;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import dev.clawgate.upstream.Cancellable;
import dev.clawgate.upstream.ChatProvider;
import dev.clawgate.upstream.DeltaSink;
import dev.clawgate.upstream.UpstreamRequest;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The server-tool rounds of one {@link AgentRun}: it sits between the provider and the run, so the run sees one
 * continuous model reply. Each round calls the model with the conversation so far and the tools ({@link ToolParams}:
 * the client's own and the agent's allowed server tools). When the model calls server tools, the loop calls them in
 * parallel ({@link ToolOffer#call}, never failing: a failure is an error result), appends the assistant message and
 * one {@code tool} message per result, and calls the model again — at most {@code agents.<id>.maxToolRounds} [8]
 * rounds that run tools, then once more without server tools; at most {@value #MAX_CALLS_PER_ROUND} calls of one
 * response run (the rest are answered with an error result). The run ends when a round calls no server tool, or
 * calls a client tool (the server calls of that round run first and are part of the turn).
 *
 * <p>What the run (and so the client) sees: the text of every round (rounds joined by a blank line), the client's
 * tool calls (renumbered from 0), the last round's finish reason and the usage summed over all rounds. Server tool
 * calls never reach the client; with {@code toolProgress=reasoning} each is announced through {@code progress}.
 * {@link #messages()} is what the turn stores after the client's new messages: every assistant message and tool
 * result in order. {@link #cancel()} cancels the model call and the tool calls in flight.
 *
 * <p>Provider callbacks come one at a time; tool results on the toolbox's threads; cancel from anywhere. Every state
 * change holds this object's monitor; calls into the run are made while holding it (the run never calls back into
 * the loop while holding its own monitor, except {@link #messages()}, which takes no lock).
 */
final class ToolLoop implements DeltaSink, Cancellable {
    /** Most server tool calls run from one model response; the rest get an error result without being run. */
    static final int MAX_CALLS_PER_ROUND = 32;

    private final RunRequest request;
    private final ChatProvider provider;
    private final ToolOffer offer;
    private final ToolParams params;
    private final DeltaSink run;
    private final Consumer<String> progress;
    private final List<ChatMessage> conversation;
    private final List<ChatMessage> produced = new ArrayList<>();
    private final int maxToolRounds;

    private int round;
    private volatile int toolRounds;
    private boolean lastRound;
    private boolean roundOpen;
    private AssistantReply current;
    private final Map<Integer, Integer> clientIndex = new HashMap<>();
    private final Map<Integer, List<ToolCallDelta>> undecided = new HashMap<>();
    private int clientCalls;
    private boolean sentContent;
    private boolean roundSentContent;
    private long promptTokens;
    private long completionTokens;
    private Long cachedTokens;
    private Cancellable upstream;
    private List<CompletableFuture<ToolResult>> pending = List.of();
    private boolean opened;
    private boolean done;
    private volatile List<ChatMessage> stored = List.of();

    /**
     * @param prompt   the assembled prompt of the first round
     * @param run      the run the loop reports to, as one continuous reply
     * @param progress told a line per server tool call when the agent's {@code toolProgress} is {@code reasoning},
     *                 else null
     */
    ToolLoop(RunRequest request, ChatProvider provider, ToolOffer offer, List<ChatMessage> prompt, DeltaSink run,
             Consumer<String> progress) {
        this.request = request;
        this.provider = provider;
        this.offer = offer;
        this.params = new ToolParams(request.chat().upstreamParams(), offer);
        this.run = run;
        this.progress = progress;
        this.conversation = new ArrayList<>(prompt);
        this.maxToolRounds = request.agent().maxToolRounds();
    }

    /** Calls the model for the first round; returns the loop, which cancels whatever runs then. */
    Cancellable start() {
        synchronized (this) {
            nextRound();
        }
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

    private void nextRound() {
        round++;
        int thisRound = round;
        roundOpen = true;
        current = new AssistantReply(true);
        clientIndex.clear();
        undecided.clear();
        clientCalls = 0;
        roundSentContent = false;
        Cancellable handle = provider.stream(new UpstreamRequest(request.agent().model(), conversation,
                params.forRound(lastRound), request.chat().maxTokens()), this);
        if (done) {
            handle.cancel();
        } else if (round == thisRound && roundOpen) {
            upstream = handle;
        }
    }

    // ---- DeltaSink: the current round's model call ----

    @Override
    public synchronized void onOpen() {
        if (!opened && !done) {
            opened = true;
            run.onOpen();
        }
    }

    @Override
    public synchronized void onContent(String text) {
        if (done || text.isEmpty()) {
            return;
        }
        current.content(text);
        if (!roundSentContent && sentContent) {
            run.onContent("\n\n"); // the text of an earlier round ended before its tool calls
        }
        roundSentContent = true;
        sentContent = true;
        run.onContent(text);
    }

    @Override
    public synchronized void onToolCall(ToolCallDelta delta) {
        if (done) {
            return;
        }
        current.toolCall(delta);
        Integer mapped = clientIndex.get(delta.index());
        if (mapped == null) {
            List<ToolCallDelta> waiting = undecided.computeIfAbsent(delta.index(), i -> new ArrayList<>());
            waiting.add(delta);
            String name = name(waiting);
            if (name == null) {
                return; // not named yet: server or client is not known
            }
            undecided.remove(delta.index());
            mapped = params.isServerTool(name) ? -1 : clientCalls++;
            clientIndex.put(delta.index(), mapped);
            if (mapped >= 0) {
                for (ToolCallDelta d : waiting) {
                    run.onToolCall(renumbered(d, mapped));
                }
            }
            return;
        }
        if (mapped >= 0) {
            run.onToolCall(renumbered(delta, mapped));
        }
    }

    @Override
    public synchronized void onFinish(String reason) {
        if (!done) {
            current.finish(reason);
        }
    }

    @Override
    public synchronized void onUsage(Usage usage) {
        promptTokens += usage.promptTokens();
        completionTokens += usage.completionTokens();
        if (usage.cachedTokens() != null) {
            cachedTokens = (cachedTokens == null ? 0 : cachedTokens) + usage.cachedTokens();
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
    public synchronized void onComplete() {
        if (done || !roundOpen) {
            return;
        }
        roundOpen = false;
        upstream = null;
        List<ToolCall> server = new ArrayList<>();
        List<ToolCall> kept = new ArrayList<>();
        List<ToolCall> calls = current.message().toolCalls();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            if (params.isServerTool(c.name())) {
                if (lastRound) {
                    continue; // not offered in the last round: dropped, never run
                }
                c = c.id() == null || c.id().isEmpty() ? new ToolCall("call_" + round + "_" + i, c.name(),
                        c.arguments()) : c;
                server.add(c);
            }
            kept.add(c);
        }
        ChatMessage said = current.message();
        ChatMessage assistant = new ChatMessage("assistant", kept.isEmpty() || !said.text().isEmpty()
                ? Json.createValue(said.text()) : JsonValue.NULL, null, null, kept);
        conversation.add(assistant);
        produced.add(assistant);
        if (server.isEmpty()) {
            end(current.finishReason());
            return;
        }
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
        boolean clientToo = kept.size() > server.size();
        CompletableFuture.allOf(calling.toArray(CompletableFuture[]::new))
                .whenComplete((v, cancelled) -> toolsDone(server, calling, clientToo));
    }

    private synchronized void toolsDone(List<ToolCall> server, List<CompletableFuture<ToolResult>> calling,
                                        boolean clientToo) {
        if (done || pending != calling) {
            return;
        }
        pending = List.of();
        for (int i = 0; i < server.size(); i++) {
            ToolResult r = calling.get(i).getNow(null);
            String text = r == null ? "the tool call did not finish" : r.isError() ? "Error: " + r.text() : r.text();
            ChatMessage result = new ChatMessage("tool", Json.createValue(text), null, server.get(i).id(), null);
            conversation.add(result);
            produced.add(result);
        }
        if (clientToo) {
            end("tool_calls");
            return;
        }
        lastRound = toolRounds >= maxToolRounds;
        try {
            nextRound();
        } catch (RuntimeException e) {
            done = true;
            run.onError(e instanceof ApiException api ? api : ApiException.internal());
        }
    }

    /** Tells the run the end: the finish reason, the summed usage, the turn's messages, then completion. */
    private void end(String finishReason) {
        done = true;
        stored = List.copyOf(produced);
        if (finishReason != null) {
            run.onFinish(finishReason);
        }
        run.onUsage(new Usage(promptTokens, completionTokens, promptTokens + completionTokens, cachedTokens));
        run.onComplete();
    }

    /** The client went away or the run was stopped: cancel the model call and every tool call in flight. */
    @Override
    public void cancel() {
        Cancellable model;
        List<CompletableFuture<ToolResult>> tools;
        synchronized (this) {
            done = true;
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

    private static String name(List<ToolCallDelta> fragments) {
        StringBuilder b = null;
        for (ToolCallDelta d : fragments) {
            if (d.name() != null) {
                b = b == null ? new StringBuilder(d.name()) : b.append(d.name());
            }
        }
        return b == null ? null : b.toString();
    }

    private static ToolCallDelta renumbered(ToolCallDelta d, int index) {
        return d.index() == index ? d : new ToolCallDelta(index, d.id(), d.type(), d.name(), d.arguments());
    }
}
