package dev.clawgate.upstream;

/**
 * A model backend. Streaming first: every run pushes deltas into a {@link DeltaSink}, whether or not the client
 * asked to stream; a non-streaming reply is assembled by the caller.
 */
public interface ChatProvider {
    /**
     * Starts a run and returns at once, without waiting for the upstream; the returned handle cancels it.
     * Implementations must not block the calling thread on network I/O.
     */
    Cancellable stream(UpstreamRequest request, DeltaSink sink);

    /**
     * Starts an embeddings call and returns at once; the returned handle cancels it. The default refuses: 400
     * {@code embeddings_not_supported}.
     */
    default Cancellable embed(EmbeddingRequest request, EmbeddingSink sink) {
        sink.onError(new dev.clawgate.openai.ApiException(400, "invalid_request_error", "model",
                "embeddings_not_supported", "This agent's embedding model cannot answer embeddings."));
        return () -> {
        };
    }

    /** Releases what the provider holds (connections, threads). Called once at undeploy. */
    default void close() {
    }
}
