package dev.clawgate.agent;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ResponseMeta;
import dev.clawgate.openai.ToolCallDelta;

/**
 * Where an {@link AgentRun} pushes what the client must see. A front end implements it: the SSE emitter and the JSON
 * body writer of {@code /v1/chat/completions} today, another adapter for another API tomorrow. It knows nothing of
 * sessions or providers; the run knows nothing of HTTP.
 *
 * <p>The run calls it one call at a time, holding the run's monitor, in this order: {@link #answeredBy} and {@link #open()} at most
 * once, any number of {@link #meta} and {@link #delta}, at most one {@link #finish} per choice (every choice that had a
 * delta, and choice 0, get one before {@link #complete}), then exactly one terminal call —
 * {@link #complete}, {@link #error} or {@link #abandon()} — and, after {@link #complete} or {@link #error}, one
 * {@link #close()} outside the monitor. An implementation must not call back into the run while it holds a lock of
 * its own that the run's callers could be waiting for.
 */
public interface ReplySink {
    /**
     * Whether the sink needs the whole reply at the end (a JSON body needs the text and the tool calls); false for a
     * sink that relays deltas as they come (then a stateless run keeps no text).
     */
    boolean needsWholeReply();

    /** The model accepted the request: a stream may now send its 200 and first chunk. */
    void open();

    /** The upstream's {@code system_fingerprint} / {@code service_tier}: later chunks carry them. */
    default void meta(ResponseMeta meta) {
    }

    /**
     * Which model answers, {@code <provider>/<model>}: called just before {@link #open()}, so a front end can name it
     * in its response headers ({@code x-openclaw-upstream-model}). Ignored by default.
     */
    default void answeredBy(String providerModel) {
    }

    /** One choice's piece of output (never empty): text, tool-call fragments, other delta fields, logprobs. */
    void delta(ChoiceDelta delta);

    /** A choice's finish reason, once: {@code stop}, {@code length}, {@code tool_calls} or {@code content_filter}. */
    void finish(int choice, String reason);

    /** A piece of choice 0's text. */
    default void content(String text) {
        delta(ChoiceDelta.content(0, text));
    }

    /** A piece of choice 0's reasoning (never empty), apart from its answer. */
    default void reasoning(String text) {
        delta(ChoiceDelta.reasoning(0, text));
    }

    /** A piece of a tool call of choice 0, its index preserved. */
    default void toolCall(ToolCallDelta call) {
        delta(ChoiceDelta.toolCall(0, call));
    }

    /** Choice 0's finish reason. */
    default void finish(String reason) {
        finish(0, reason);
    }

    /** The run succeeded and its turn is stored: send the end (usage and end marker, or the whole body). */
    void complete(AssistantReply reply);

    /**
     * The run failed or ran out of time: tell the client {@code error} if it still can (a status and JSON error
     * before anything was sent; an error event in an open stream).
     */
    void error(ApiException error);

    /** The client went away: stop timers and send nothing more. */
    void abandon();

    /** After {@link #complete} or {@link #error}: send what is queued and finish the response. */
    void close();

    /**
     * Backpressure: runs {@code resume} once the client can take more, at once when it can now (the default). The
     * run passes this on to the provider, which reads nothing more upstream until then.
     */
    default void whenReady(Runnable resume) {
        resume.run();
    }

    /** Deltas pushed until {@link #uncork()} may be sent together (a provider answering within one call). */
    default void cork() {
    }

    /** Sends what {@link #cork()} held. */
    default void uncork() {
    }
}
