package dev.clawgate.agent;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.session.SessionStore;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The session side of an {@link AgentRun}: taking a stateful session's lease and committing its turn, each turning a
 * failure into the error the client is told — the store's own refusal ({@code session_busy}, {@code turn_too_large})
 * as it is, anything else as {@link ApiException#storeUnavailable()} (503) with only the failure's class logged.
 * Neither waits: the store completes on its own thread.
 */
final class SessionTurns {
    private static final System.Logger LOG = System.getLogger(AgentRun.class.getName());

    private SessionTurns() {
    }

    /**
     * The prompt of {@code request} over the held session's transcript (none when stateless, {@code held} null); a
     * held session first admits the turn's new messages (413 {@code turn_too_large} before the run, not after it).
     */
    static PromptAssembler.Prompt prompt(RunRequest request, SessionStore.Lease held) {
        PromptAssembler.Prompt prompt = PromptAssembler.assemble(request.agent(), request.chat().messages(),
                held == null ? List.of() : held.transcript());
        if (held != null) {
            held.admit(prompt.fresh());
        }
        return prompt;
    }

    /** Asks for the lease of {@code key}; {@code then} gets the lease, or null and the error. */
    static void acquire(SessionStore sessions, String key, BiConsumer<SessionStore.Lease, ApiException> then) {
        sessions.acquire(key).whenComplete((granted, failure) -> {
            if (failure == null) {
                then.accept(granted, null);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof ApiException refused) { // session_busy: too many turns queued on the key
                then.accept(null, refused);
                return;
            }
            LOG.log(Level.WARNING, "clawgate: session store failed: " + cause.getClass().getName());
            then.accept(null, ApiException.storeUnavailable());
        });
    }

    /** Commits {@code turn} on {@code held}; {@code then} gets null once it is stored, else the error to tell. */
    static void commit(SessionStore.Lease held, List<ChatMessage> turn, Consumer<ApiException> then) {
        CompletionStage<Void> committed;
        try {
            committed = held.commit(turn);
        } catch (RuntimeException e) {
            committed = CompletableFuture.failedFuture(e);
        }
        committed.whenComplete((v, error) -> {
            if (error != null) {
                LOG.log(Level.WARNING, "clawgate: session commit failed: " + error.getClass().getName());
                then.accept(ApiException.storeUnavailable());
            } else {
                then.accept(null);
            }
        });
    }
}
