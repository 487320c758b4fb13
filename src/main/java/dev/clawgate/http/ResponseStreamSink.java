package dev.clawgate.http;

import dev.clawgate.agent.AssistantReply;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.responses.ResponseBuilder;
import dev.clawgate.openai.responses.ResponseEventWriter;

/**
 * A streamed {@code /v1/responses} reply ({@code stream:true}): the events of {@link ResponseEventWriter}
 * ({@code event:} and {@code data:} lines, {@code response.created} … {@code response.completed}) over an
 * {@link SseStream} (its headers and keepalives as for chat). The terminal event goes out after the response is stored
 * ({@link ResponseEnd}). An error before the model answered is a plain JSON error with its status; after it, a
 * {@code response.failed} event ends the stream. No {@code [DONE]} line: the Responses API ends with its terminal
 * event. Knows nothing of agents or sessions; the run calls it under the run's monitor.
 */
final class ResponseStreamSink implements ChatExchange.StreamSink, FirstChoiceSink {
    private final SseStream sse;
    private final ResponseOutput out;
    private final ResponseBuilder response;
    private final ResponseEventWriter events;
    private final ResponseEnd end;

    ResponseStreamSink(SseStream sse, ResponseOutput out, ResponseBuilder response, ResponseEnd end) {
        this.sse = sse;
        this.out = out;
        this.response = response;
        this.events = new ResponseEventWriter(response);
        this.end = end;
    }

    @Override
    public boolean opened() {
        return sse.opened();
    }

    @Override
    public boolean needsWholeReply() {
        return false; // the response builder keeps the text and calls
    }

    @Override
    public void open() {
        sse.open(events.open());
    }

    @Override
    public void content(String text) {
        sse.send(events.content(text));
    }

    @Override
    public void toolCall(ToolCallDelta delta) {
        sse.send(events.toolCall(delta));
    }

    @Override
    public void finish(String reason) {
        events.finish(reason);
    }

    @Override
    public void complete(AssistantReply reply) {
        events.usage(reply.usage());
        byte[] last = events.complete();
        end.after(response.json(), () -> {
            sse.sendQuietly(last);
            sse.stop();
        });
    }

    @Override
    public void error(ApiException error) {
        if (!sse.refuse(error) && !out.failed()) {
            sse.send(events.error(error));
        }
        sse.stop();
    }

    @Override
    public void abandon() {
        sse.stop();
    }

    @Override
    public void close() {
        end.close();
    }

    @Override
    public void whenReady(Runnable resume) {
        out.whenDrained(resume);
    }

    @Override
    public void cork() {
        out.cork();
    }

    @Override
    public void uncork() {
        out.uncork();
    }
}
