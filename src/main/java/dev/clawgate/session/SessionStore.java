package dev.clawgate.session;

import dev.clawgate.openai.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Keeps session transcripts (user, assistant and tool messages). Turns on one key are serialised: {@link #acquire}
 * completes only when every earlier lease on that key has ended, so turns never interleave, and no thread waits
 * meanwhile. A lease ends exactly once, by {@link Lease#commit} (the whole turn is appended) or
 * {@link Lease#release} (nothing changes: a failed or cancelled run).
 */
public interface SessionStore extends AutoCloseable {
    /** Takes the session for one turn; completes exceptionally when the store cannot be read. */
    CompletionStage<Lease> acquire(String key);

    /** Whether the store answers now (for {@code /readyz}). */
    default boolean healthy() {
        return true;
    }

    @Override
    void close();

    /** One turn's hold on a session. */
    interface Lease {
        /** The transcript as it was when the lease was granted, oldest first. */
        List<ChatMessage> transcript();

        /** Appends the turn (new messages and the assistant reply) as one unit and ends the lease. */
        void commit(List<ChatMessage> turn);

        /** Ends the lease without changing the session. Idempotent; a no-op after commit. */
        void release();
    }
}
