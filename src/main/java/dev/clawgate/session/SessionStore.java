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
 * <p>Bounds ({@link SessionLimits}): a transcript keeps at most {@code gateway.state.maxTranscriptMessages} [1000]
 * messages and {@code gateway.state.maxTranscriptBytes} [1 MiB] in its stored form; beyond them the oldest turns are
 * dropped whole (a turn is never split). At most {@code gateway.state.maxQueuedTurns} [32] turns wait per session;
 * {@link #acquire} fails with a 429 {@code session_busy} {@link dev.clawgate.openai.ApiException} beyond that.
 *
 * <p>Implementations: {@link MemorySessionStore} (default), {@link FileSessionStore} ({@code gateway.state.dir}) and
 * {@link RedisSessionStore} ({@code gateway.state.redis.url}); the gateway picks one at start-up.
 */
public interface SessionStore extends AutoCloseable {
    /**
     * Takes the session for one turn; completes exceptionally when the store cannot be read, or with a 429
     * {@code session_busy} {@link dev.clawgate.openai.ApiException} when too many turns already wait on it.
     */
    CompletionStage<Lease> acquire(String key);

    /**
     * Forgets the transcript of {@code key} ({@code DELETE /v1/sessions}), in turn with the turns on it: once every
     * earlier turn on the key has ended, so no running turn writes it back. Completes with true when a transcript
     * was there (an expired one counts as none), false when not; exceptionally when the store cannot be reached, or
     * with a 429 {@code session_busy} {@link dev.clawgate.openai.ApiException} when too many turns wait on the key.
     * No thread waits meanwhile.
     */
    CompletionStage<Boolean> delete(String key);

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
        /** The transcript as it was when the lease was granted, oldest first, within the store's bounds. */
        List<ChatMessage> transcript();

        /**
         * Checks, before the run, that a turn starting with {@code fresh} (the request's new messages) could be
         * stored: throws a 413 {@code turn_too_large} {@link dev.clawgate.openai.ApiException} (param
         * {@code messages}) when the new messages alone, plus the reply's one message, exceed
         * {@code gateway.state.maxTranscriptMessages} or their stored size exceeds
         * {@code gateway.state.maxTranscriptBytes}. Changes nothing.
         */
        default void admit(List<ChatMessage> fresh) {
        }

        /**
         * Appends the turn (new messages and the assistant reply) as one unit, dropping the session's oldest turns
         * whole while it is over {@code gateway.state.maxTranscriptMessages} or {@code maxTranscriptBytes}, and
         * ends the lease. A turn that exceeds a bound on its own (only its reply can make it, after
         * {@link #admit}) is not stored and the session is left as it was. The stage completes when the turn is
         * stored (for the file store: written and forced to disk; for Redis: acknowledged), on the store's own
         * thread — the caller's thread does no I/O; it fails when nothing of the turn was stored, and the lease
         * has ended either way. A no-op (completed stage) once the lease has ended.
         */
        CompletionStage<Void> commit(List<ChatMessage> turn);

        /** Ends the lease without changing the session. Idempotent; a no-op after commit. */
        void release();
    }
}
