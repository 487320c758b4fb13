package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ResponseMeta;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;

/**
 * Where a {@link ChatProvider} pushes a run's output. A provider calls these methods from one thread at a time, in
 * this order: {@link #onOpen()} once (the upstream accepted the request), any number of {@link #onResponseMeta} and
 * {@link #onDelta}, at most one {@link #onFinish} per choice, at most one {@link #onUsage}, then exactly one of
 * {@link #onComplete()} or {@link #onError}. {@link #onError} may also come before {@link #onOpen()}, when the
 * upstream refused the request. Choices are numbered from 0; a run asked for one choice uses only choice 0 (the
 * single-choice methods). The sink knows nothing of upstreams; the provider nothing of HTTP responses.
 */
public interface DeltaSink {
    /** The upstream answered with a success status: a streaming client may now get its 200 and role chunk. */
    void onOpen();

    /** The upstream named its {@code system_fingerprint} / {@code service_tier} (again when they change). */
    default void onResponseMeta(ResponseMeta meta) {
    }

    /** One choice's piece of output: text, tool-call fragments, other delta fields, logprobs. */
    void onDelta(ChoiceDelta delta);

    /**
     * A piece of choice 0's reasoning ({@code reasoning_content} / {@code reasoning} of a reasoning model), apart from
     * its answer.
     */
    default void onReasoning(String text) {
        onDelta(ChoiceDelta.reasoning(0, text));
    }

    /** A piece of assistant text of choice 0. */
    default void onContent(String text) {
        onDelta(ChoiceDelta.content(0, text));
    }

    /** A piece of a tool call of choice 0, with its index preserved. */
    default void onToolCall(ToolCallDelta delta) {
        onDelta(ChoiceDelta.toolCall(0, delta));
    }

    /** Why a choice stopped: {@code stop}, {@code length}, {@code tool_calls} or {@code content_filter}. */
    void onFinish(int choice, String finishReason);

    /** Why choice 0 stopped. */
    default void onFinish(String finishReason) {
        onFinish(0, finishReason);
    }

    /** Token usage of the run (all choices together). */
    void onUsage(Usage usage);

    /**
     * Backpressure: runs {@code resume} once the sink can take more deltas, at once when it can now (the default).
     * A provider reads nothing more from its upstream until {@code resume} has run, so a slow client slows the
     * upstream instead of filling memory. {@code resume} may run on any thread and must not block.
     */
    default void whenReady(Runnable resume) {
        resume.run();
    }

    /**
     * A burst of calls follows (say, every event of one upstream read): the sink may hold what it writes until
     * {@link #uncork()}, so the client gets the burst in one write. Only a hint; the default does nothing.
     */
    default void cork() {
    }

    /** The burst begun by {@link #cork()} is over: send what was held. A provider always pairs it with its cork. */
    default void uncork() {
    }

    /** The run ended normally. */
    void onComplete();

    /** The run failed; the error is already in OpenAI's shape. */
    void onError(ApiException error);
}
