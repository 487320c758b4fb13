package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import jakarta.json.JsonObject;

/** Where a provider puts the answer to one {@link EmbeddingRequest}: exactly one call, on any thread. */
public interface EmbeddingSink {
    /** The upstream's {@code list} object of embeddings, as it answered (its {@code model} not yet replaced). */
    void onEmbeddings(JsonObject reply);

    /** The call failed; the error is already in OpenAI's shape ({@link UpstreamErrors}). */
    void onError(ApiException error);
}
