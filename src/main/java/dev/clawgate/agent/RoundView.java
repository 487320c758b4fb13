package dev.clawgate.agent;

import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ToolCallDelta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the client sees of one tool round's output ({@link ToolLoop}, choice 0 only): everything the model sent —
 * text, reasoning, other delta fields ({@code refusal}, {@code annotations}...), logprobs and the client's own tool
 * calls, renumbered from 0 in the order they were named — but the calls of server tools, which the gateway runs
 * itself. A tool call's fragments are held back until its name says whose it is. When an earlier round's text reached
 * the client, this round's text is preceded by a blank line, so the rounds' text does not run together. It counts the
 * UTF-8 bytes of what it holds back (server calls and calls not named yet), which the loop bounds. Not thread-safe:
 * the loop's monitor guards it.
 */
final class RoundView {
    private final ToolParams params;
    private final boolean separate;
    /** Upstream tool-call index → the client's index, or -1 for a server call. */
    private final Map<Integer, Integer> clientIndex = new HashMap<>();
    private final Map<Integer, List<ToolCallDelta>> undecided = new HashMap<>();
    private int clientCalls;
    private boolean sentContent;
    private long hiddenBytes;

    /** @param separate whether an earlier round's text reached the client */
    RoundView(ToolParams params, boolean separate) {
        this.params = params;
        this.separate = separate;
    }

    /**
     * What the client sees of {@code d}: nothing, its visible part, or — at this round's first text after an earlier
     * round's — a blank line as a piece of its own, then its visible part.
     */
    List<ChoiceDelta> visible(ChoiceDelta d) {
        List<ChoiceDelta> out = new ArrayList<>(2);
        if (d.content() != null && !d.content().isEmpty()) {
            if (!sentContent && separate) {
                out.add(ChoiceDelta.content(0, "\n\n")); // the text of an earlier round ended before its tool calls
            }
            sentContent = true;
        }
        List<ToolCallDelta> calls = new ArrayList<>(d.toolCalls().size());
        for (ToolCallDelta call : d.toolCalls()) {
            route(call, calls);
        }
        ChoiceDelta mine = new ChoiceDelta(0, d.content(), d.reasoning(), calls, d.fields(), d.logprobs());
        if (!mine.isEmpty()) {
            out.add(mine);
        }
        return out;
    }

    /** Whether this round's text reached the client. */
    boolean sentContent() {
        return sentContent;
    }

    /** UTF-8 bytes of the tool-call names and arguments held back from the client in this round. */
    long hiddenBytes() {
        return hiddenBytes;
    }

    /** Adds the fragments the client sees of {@code delta} to {@code out}. */
    private void route(ToolCallDelta delta, List<ToolCallDelta> out) {
        Integer mapped = clientIndex.get(delta.index());
        if (mapped == null) {
            List<ToolCallDelta> waiting = undecided.computeIfAbsent(delta.index(), i -> new ArrayList<>());
            waiting.add(delta);
            hiddenBytes += bytes(delta);
            String name = name(waiting);
            if (name == null) {
                return; // not named yet: server or client is not known
            }
            undecided.remove(delta.index());
            mapped = params.isServerTool(name) ? -1 : clientCalls++;
            clientIndex.put(delta.index(), mapped);
            if (mapped >= 0) {
                for (ToolCallDelta d : waiting) {
                    hiddenBytes -= bytes(d);
                    out.add(renumbered(d, mapped));
                }
            }
            return;
        }
        if (mapped >= 0) {
            out.add(renumbered(delta, mapped));
        } else {
            hiddenBytes += bytes(delta);
        }
    }

    private static long bytes(ToolCallDelta d) {
        return AssistantReply.utf8Length(d.name()) + AssistantReply.utf8Length(d.arguments());
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
