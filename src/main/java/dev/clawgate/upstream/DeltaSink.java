package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;

/**
 * Where a {@link ChatProvider} pushes a run's output. A provider calls these methods from one thread at a time, in
 * this order: {@link #onOpen()} once (the upstream accepted the request), any number of {@link #onContent},
 * {@link #onReasoning} and {@link #onToolCall}, at most one {@link #onFinish}, at most one {@link #onUsage}, then exactly one of
 * {@link #onComplete()} or {@link #onError}. {@link #onError} may also come before {@link #onOpen()}, when the
 * upstream refused the request. The sink knows nothing of upstreams; the provider nothing of HTTP responses.
 */
public interface DeltaSink {
    /** The upstream answered with a success status: a streaming client may now get its 200 and role chunk. */
    void onOpen();

    /** A piece of assistant text. */
    void onContent(String text);

    /**
     * A piece of the model's reasoning ({@code reasoning_content} / {@code reasoning} of a reasoning model), apart
     * from its answer. Ignored by default.
     */
    default void onReasoning(String text) {
    }

    /** A piece of a tool call, with its index preserved. */
    void onToolCall(ToolCallDelta delta);

    /** Why the model stopped: {@code stop}, {@code length}, {@code tool_calls} or {@code content_filter}. */
    void onFinish(String finishReason);

    /** Token usage of the run. */
    void onUsage(Usage usage);

    /**
     * Backpressure: runs {@code resume} once the sink can take more deltas, at once when it can now (the default).
     * A provider reads nothing more from its upstream until {@code resume} has run, so a slow client slows the
     * upstream instead of filling memory. {@code resume} may run on any thread and must not block.
     */
    default void whenReady(Runnable resume) {
        resume.run();
    }

    /** The run ended normally. */
    void onComplete();

    /** The run failed; the error is already in OpenAI's shape. */
    void onError(ApiException error);
}
