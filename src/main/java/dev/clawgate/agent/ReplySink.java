package dev.clawgate.agent;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;

/**
 * Where an {@link AgentRun} pushes what the client must see. A front end implements it: the SSE emitter and the JSON
 * body writer of {@code /v1/chat/completions} today, another adapter for another API tomorrow. It knows nothing of
 * sessions or providers; the run knows nothing of HTTP.
 *
 * <p>The run calls it one call at a time, holding the run's monitor, in this order: {@link #open()} at most once,
 * any number of {@link #content}, {@link #reasoning} and {@link #toolCall}, at most one {@link #finish}, then exactly one terminal call —
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

    /** A piece of assistant text (never empty). */
    void content(String text);

    /**
     * Progress of the run that is not the answer (a server tool being called), for a stream to show as
     * {@code delta.reasoning_content}; ignored by default and by a sink that sends one body at the end.
     */
    default void reasoning(String text) {
    }

    /** A piece of a tool call, its index preserved. */
    void toolCall(ToolCallDelta delta);

    /** The finish reason, once: {@code stop}, {@code length}, {@code tool_calls} or {@code content_filter}. */
    void finish(String reason);

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
