package dev.clawgate.agent;

import dev.clawgate.config.GatewayConfig.ToolProgress;
import dev.clawgate.mcp.ToolOffer;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.upstream.Cancellable;
import dev.clawgate.upstream.DeltaSink;
import java.util.List;
import java.util.function.Consumer;

/**
 * The server-tool side of an {@link AgentRun}: whether a {@link ToolLoop} runs the model calls (the agent has
 * {@code agents.<id>.mcpServers} whose servers offer tools now), the loop itself once started, and what the turn
 * stores after the client's new messages. Without tools ({@link #NONE}) the run calls the model once and stores its
 * reply.
 */
final class RunTools {
    /** No server tools: the model is called once, without a loop. */
    static final RunTools NONE = new RunTools(null, 0);

    private final ToolOffer offer;
    private final long maxReplyBytes;
    private volatile ToolLoop loop;

    /**
     * @param offer         the agent's server tools offered to the model, or null for none
     * @param maxReplyBytes {@code gateway.http.maxReplyBytes}, which also bounds the server calls held back
     */
    RunTools(ToolOffer offer, long maxReplyBytes) {
        this.offer = offer;
        this.maxReplyBytes = maxReplyBytes;
    }

    /** Whether the run's model calls go through a tool loop. */
    boolean loops() {
        return offer != null;
    }

    /**
     * Starts the rounds of {@code request}: the first model call on the calling thread.
     *
     * @param calls    the run's model calls, one per round
     * @param prompt   the assembled prompt of the first round
     * @param run      where the rounds are reported, as one reply
     * @param progress told a line per server tool call, used when the agent's {@code toolProgress} is reasoning
     * @return the handle that cancels the model call and the tool calls in flight
     */
    Cancellable start(RunRequest request, ModelCalls calls, List<ChatMessage> prompt, DeltaSink run,
                      Consumer<String> progress) {
        ToolLoop started = new ToolLoop(request, calls::start, offer, prompt, run,
                request.agent().toolProgress() == ToolProgress.REASONING ? progress : null, maxReplyBytes);
        loop = started;
        return started.start();
    }

    /**
     * What the turn stores after the client's new messages: every round's assistant message and tool results; the
     * reply as the client got it when there was no loop or the reply was cut.
     */
    List<ChatMessage> stored(AssistantReply reply, boolean cut) {
        ToolLoop l = loop;
        return l != null && !cut ? l.messages() : List.of(reply.message());
    }

    /** Rounds that ran server tools so far (0 without a loop). */
    int rounds() {
        ToolLoop l = loop;
        return l == null ? 0 : l.toolRounds();
    }
}
