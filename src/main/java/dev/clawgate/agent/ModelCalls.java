package dev.clawgate.agent;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.time.Scheduler;
import dev.clawgate.upstream.Cancellable;
import dev.clawgate.upstream.DeltaSink;
import dev.clawgate.upstream.UpstreamRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The model calls of one run, each through its own {@link Attempts} (retries, then the agent's fallbacks, while the
 * call has sent nothing). A run without server tools makes one call; a {@link ToolLoop} makes one per round, one after
 * another. The first call starts at the agent's model (or the one the request chose); each later call starts at the
 * model that answered the call before it and may still fall back to the models after it in the chain — never back to
 * one given up earlier in the run, so a model that failed is not waited for again in every round, and a conversation
 * stays on one model unless that model fails. The given-up calls of every call add up in {@link #failures()}.
 *
 * <p>Calls are started one at a time; {@link #answering()} and {@link #failures()} take no lock (the run reads them
 * under its own monitor).
 */
final class ModelCalls {
    private final String agent;
    private final List<Attempts.Target> chain;
    private final Scheduler scheduler;
    /** The calls given up by the finished calls, oldest first. */
    private volatile List<RunReport.Retried> earlier = List.of();
    /** The current (or last) call, null before the first. */
    private volatile Attempts current;
    /** Index in {@link #chain} of the first model of the current call. */
    private volatile int from;

    /** @param chain at least one target, the agent's (or the request's) model first, then its fallbacks */
    ModelCalls(String agent, List<Attempts.Target> chain, Scheduler scheduler) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no model to try");
        }
        this.agent = agent;
        this.chain = List.copyOf(chain);
        this.scheduler = scheduler;
    }

    /** Starts a run's one model call (no tool loop): {@code prompt} with the request's parameters, choices and trace. */
    Cancellable start(RunRequest request, List<ChatMessage> prompt, DeltaSink sink) {
        return start(new UpstreamRequest(request.agent().model(), prompt, request.chat().upstreamParams(),
                request.chat().maxTokens(), request.chat().choices(), request.trace(), request.chat().stream()), sink);
    }

    /**
     * Starts the next call on the calling thread (the one before it has ended) and returns the handle that cancels it.
     *
     * @param request what to send; its model is replaced by each target's
     * @param sink    where the answering call's output goes
     */
    Cancellable start(UpstreamRequest request, DeltaSink sink) {
        Attempts before = current;
        if (before != null) {
            earlier = failures();
            from = indexOf(before.answering());
        }
        Attempts next = new Attempts(agent, chain.subList(from, chain.size()), scheduler);
        current = next;
        return next.start(request, sink);
    }

    /** {@code <provider>/<model>} of the model that answers (or runs) the current call; the agent's before any. */
    String answering() {
        Attempts now = current;
        return now == null ? chain.get(from).model() : now.answering();
    }

    /** The calls given up so far in the run, oldest first. */
    List<RunReport.Retried> failures() {
        Attempts now = current;
        List<RunReport.Retried> last = now == null ? List.of() : now.failures();
        if (last.isEmpty()) {
            return earlier;
        }
        List<RunReport.Retried> all = new ArrayList<>(earlier);
        all.addAll(last);
        return all;
    }

    private int indexOf(String model) {
        for (int i = from; i < chain.size(); i++) {
            if (chain.get(i).model().equals(model)) {
                return i;
            }
        }
        return from;
    }
}
