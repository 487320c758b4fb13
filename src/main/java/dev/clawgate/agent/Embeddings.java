package dev.clawgate.agent;

import dev.clawgate.config.GatewayConfig.ModelRef;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.EmbeddingsRequest;
import dev.clawgate.trace.TraceContext;
import dev.clawgate.upstream.Cancellable;
import dev.clawgate.upstream.EmbeddingRequest;
import dev.clawgate.upstream.EmbeddingSink;
import dev.clawgate.upstream.ProviderRegistry;
import dev.clawgate.upstream.UpstreamErrors;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.lang.System.Logger.Level;

/**
 * One {@code /v1/embeddings} call: the request goes to the agent's embedding model ({@code agents.<id>.embeddingModel},
 * or the one {@code x-openclaw-model} chose) with the client's fields as sent, and the upstream's reply comes back
 * with {@code model} set to what the client sent. No retries or fallbacks: an embedding model answers or the client
 * gets its error ({@link UpstreamErrors}).
 */
public final class Embeddings {
    private static final System.Logger LOG = System.getLogger(Embeddings.class.getName());

    /** What becomes of an embeddings call: exactly one call, on any thread. */
    public interface Reply {
        /**
         * @param json         the reply body
         * @param promptTokens {@code usage.prompt_tokens} of the upstream's reply, 0 when it sent none
         */
        void embedded(String json, long promptTokens);

        /** @param upstreamKind {@link UpstreamErrors#kind} of an upstream failure, else null */
        void failed(ApiException error, String upstreamKind);
    }

    private Embeddings() {
    }

    static Runnable embed(ProviderRegistry providers, ModelRef model, EmbeddingsRequest request, TraceContext trace,
                          Reply reply) {
        EmbeddingRequest call = new EmbeddingRequest(model.model(), request.input(), request.encodingFormat(),
                request.dimensions(), request.user(), trace);
        Cancellable handle;
        try {
            handle = providers.get(model.provider()).embed(call, new EmbeddingSink() {
                @Override
                public void onEmbeddings(JsonObject answer) {
                    long prompt = answer.get("usage") instanceof JsonObject u
                            && u.get("prompt_tokens") instanceof JsonNumber n ? n.longValue() : 0;
                    String json = Json.createObjectBuilder(answer).add("model", request.echoModel()).build()
                            .toString();
                    reply.embedded(json, prompt);
                }

                @Override
                public void onError(ApiException error) {
                    reply.failed(error, UpstreamErrors.kind(error));
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "clawgate: embeddings call failed to start: " + e.getClass().getName());
            reply.failed(ApiException.internal(), null);
            return () -> {
            };
        }
        return handle::cancel;
    }
}
