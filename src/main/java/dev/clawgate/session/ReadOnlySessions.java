package dev.clawgate.session;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A view of a {@link SessionStore} whose leases read a transcript but never write one: {@link Lease#commit} ends the
 * lease like {@link Lease#release}. Turns still queue behind each other on a key as in the store itself. It is how a
 * {@code /v1/responses} request with {@code previous_response_id} and {@code store:false} sees the conversation
 * without adding to it. It owns nothing: {@link #close()} leaves the store open.
 */
public final class ReadOnlySessions implements SessionStore {
    private final SessionStore store;

    public ReadOnlySessions(SessionStore store) {
        this.store = store;
    }

    @Override
    public CompletionStage<Lease> acquire(String key) {
        return store.acquire(key).thenApply(ReadOnlyLease::new);
    }

    /** Refused: a read-only view forgets nothing (fails with {@link UnsupportedOperationException}). */
    @Override
    public CompletionStage<Boolean> delete(String key) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("read-only sessions"));
    }

    @Override
    public boolean healthy() {
        return store.healthy();
    }

    @Override
    public void close() {
        // the store is the gateway's; it closes it
    }

    private record ReadOnlyLease(Lease lease) implements Lease {
        @Override
        public List<dev.clawgate.openai.ChatMessage> transcript() {
            return lease.transcript();
        }

        @Override
        public CompletionStage<Void> commit(List<dev.clawgate.openai.ChatMessage> turn) {
            lease.release();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void release() {
            lease.release();
        }
    }
}
