package dev.clawgate.session;

import dev.clawgate.openai.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Keeps session transcripts (user, assistant and tool messages). Turns on one key are serialised: {@link #acquire}
 * completes only when every earlier lease on that key has ended, so turns never interleave, and no thread waits
 * meanwhile. A lease ends exactly once, by {@link Lease#commit} (the whole turn is appended) or
 * {@link Lease#release} (nothing changes: a failed or cancelled run).
 *
 * <p>Implementations: {@link MemorySessionStore} (default) and {@link FileSessionStore}
 * ({@code gateway.state.dir}); the gateway picks one at start-up.
 */
public interface SessionStore extends AutoCloseable {
    /** Takes the session for one turn; completes exceptionally when the store cannot be read. */
    CompletionStage<Lease> acquire(String key);

    /** Whether the store answers now (for {@code /readyz}). */
    default boolean healthy() {
        return true;
    }

    /**
     * Forgets sessions idle for {@code gateway.state.idleTtlMs} or longer. Called periodically from the gateway's
     * shared timer thread, so it must return at once (a store with I/O to do hands it to its own thread).
     */
    default void prune() {
    }

    @Override
    void close();

    /** One turn's hold on a session. */
    interface Lease {
        /** The transcript as it was when the lease was granted, oldest first. */
        List<ChatMessage> transcript();

        /**
         * Appends the turn (new messages and the assistant reply) as one unit and ends the lease. When it returns
         * the turn is stored (for the file store: written and forced to disk); when it throws, nothing of the turn
         * is stored and the lease has ended all the same. A no-op once the lease has ended.
         */
        void commit(List<ChatMessage> turn);

        /** Ends the lease without changing the session. Idempotent; a no-op after commit. */
        void release();
    }
}
