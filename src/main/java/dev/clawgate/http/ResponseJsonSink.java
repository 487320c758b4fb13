package dev.clawgate.http;

import dev.clawgate.agent.AssistantReply;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.responses.ResponseBuilder;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A non-streamed {@code /v1/responses} reply: nothing until the run ends, then the {@code response} object of
 * {@link ResponseBuilder} (200, with {@code Content-Length}) once it is stored ({@link ResponseEnd}), or one OpenAI
 * JSON error with its status. Knows nothing of agents or sessions; the run calls it under the run's monitor.
 */
final class ResponseJsonSink implements FirstChoiceSink {
    private final HttpServletResponse http;
    private final ResponseOutput out;
    private final ResponseBuilder response;
    private final ResponseEnd end;
    private final Runnable beforeAnswer;

    /** @param beforeAnswer runs before anything is written or the run is abandoned (the hang-up probe stops) */
    ResponseJsonSink(HttpServletResponse http, ResponseOutput out, ResponseBuilder response, ResponseEnd end,
                     Runnable beforeAnswer) {
        this.beforeAnswer = beforeAnswer;
        this.http = http;
        this.out = out;
        this.response = response;
        this.end = end;
    }

    @Override
    public boolean needsWholeReply() {
        return false; // the response builder keeps the text and calls
    }

    @Override
    public void open() {
    }

    @Override
    public void content(String text) {
        response.content(text);
    }

    @Override
    public void toolCall(ToolCallDelta delta) {
        response.toolCall(delta);
    }

    @Override
    public void finish(String reason) {
        response.finish(reason);
    }

    @Override
    public void complete(AssistantReply reply) {
        beforeAnswer.run();
        response.usage(reply.usage());
        String json = response.json();
        end.after(json, () -> out.offer(ApiErrors.prepareOk(http, json)));
    }

    @Override
    public void error(ApiException error) {
        beforeAnswer.run();
        if (!out.failed()) {
            out.write(ApiErrors.prepare(http, error));
        }
    }

    @Override
    public void abandon() {
        beforeAnswer.run();
    }

    @Override
    public void close() {
        end.close();
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
