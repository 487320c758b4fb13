package dev.clawgate.http;

import dev.clawgate.agent.AssistantReply;
import dev.clawgate.agent.ReplySink;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChoiceDelta;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A non-streaming chat completion on the wire: nothing until the run ends, then one {@code chat.completion} JSON body
 * (200, with {@code Content-Length}, reasoning as {@code message.reasoning_content}, and
 * {@code x-openclaw-upstream-model} naming the model that answered) or one OpenAI JSON error with its status. Knows
 * nothing of agents or sessions. {@code beforeAnswer} runs before anything is written or the run is abandoned (the
 * exchange stops probing the connection there, {@link DisconnectWatch}).
 */
final class JsonReplyWriter implements ReplySink {
    private final HttpServletResponse response;
    private final ResponseOutput out;
    private final String id;
    private final long created;
    private final String model;
    private final Runnable beforeAnswer;

    /** @param id the completion id; {@code created} epoch seconds; {@code model} as the client named it */
    JsonReplyWriter(HttpServletResponse response, ResponseOutput out, String id, long created, String model,
                    Runnable beforeAnswer) {
        this.beforeAnswer = beforeAnswer;
        this.response = response;
        this.out = out;
        this.id = id;
        this.created = created;
        this.model = model;
    }

    @Override
    public boolean needsWholeReply() {
        return true;
    }

    @Override
    public void open() {
    }

    @Override
    public void answeredBy(String providerModel) {
        response.setHeader(SseEmitter.UPSTREAM_MODEL_HEADER, providerModel);
    }

    @Override
    public void delta(ChoiceDelta delta) {
    }

    @Override
    public void finish(int choice, String reason) {
    }

    @Override
    public void complete(AssistantReply reply) {
        beforeAnswer.run();
        out.write(ApiErrors.prepareOk(response, reply.completionJson(id, created, model)));
    }

    @Override
    public void error(ApiException error) {
        beforeAnswer.run();
        if (!out.failed()) {
            out.write(ApiErrors.prepare(response, error));
        }
    }

    @Override
    public void abandon() {
        beforeAnswer.run();
    }

    @Override
    public void close() {
        out.close();
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
