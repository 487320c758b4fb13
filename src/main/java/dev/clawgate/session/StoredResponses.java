package dev.clawgate.session;

import dev.clawgate.openai.ChatMessage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * The state of {@code /v1/responses}, kept in the gateway's {@link SessionStore} (memory, files or Redis) under
 * keys of their own, so it has the store's bounds, TTL and cluster sharing and needs no store of its own:
 * <ul>
 *   <li>a <b>conversation</b> is a session whose key is {@code responses:<n>:<namespace>:conv:<first response id>}:
 *       a response without {@code previous_response_id} starts one, a response with it appends its turn to the
 *       conversation of that response;</li>
 *   <li>a <b>stored response</b> is a one-turn session under {@code responses:<n>:<namespace>:resp:<id>} holding
 *       the key of its conversation and the final {@code response} object as JSON, for
 *       {@code previous_response_id} and {@code GET /v1/responses/{id}}.</li>
 * </ul>
 * {@code <namespace>} is the caller's ({@code <n>} its length, so no two namespaces can form the same key): a
 * response is found only by the caller that made it. Chat clients cannot reach these keys: {@link SessionKeys}
 * refuses the {@code responses:} prefix in {@code x-openclaw-session-key}.
 *
 * <p>Bounds are the store's ({@code gateway.state.*}): a stored response is dropped after
 * {@code gateway.state.idleTtlMs} unused (memory, files and Redis alike), counts towards
 * {@code gateway.state.maxSessions} and {@code maxMemoryBytes} in memory, and one larger than
 * {@code gateway.state.maxTranscriptBytes} is not stored at all. Conversations are chains: continuing from a response
 * that is not the latest of its conversation appends to the same conversation (no branching).
 */
public final class StoredResponses {
    /** The key prefix of every conversation and stored response. */
    public static final String PREFIX = "responses:";
    /** Response ids this gateway makes ({@code resp_} and base-62), bounded; anything else is never stored. */
    private static final Pattern ID = Pattern.compile("resp_[A-Za-z0-9]{1,64}");

    private final SessionStore store;

    /**
     * A stored response.
     *
     * @param conversation the key of the conversation it belongs to
     * @param json         the final {@code response} object
     */
    public record Stored(SessionKey conversation, String json) {
    }

    public StoredResponses(SessionStore store) {
        this.store = store;
    }

    /** Whether {@code id} has the shape of a response id this gateway makes. */
    public static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The conversation a response starts when it continues none. */
    public static SessionKey newConversation(String namespace, String responseId) {
        return new SessionKey(prefix(namespace) + "conv:" + responseId, SessionKey.Kind.RESPONSE);
    }

    /** The stored response {@code id} of {@code namespace}; empty when unknown, expired or of another namespace. */
    public CompletionStage<Optional<Stored>> find(String namespace, String id) {
        if (!validId(id)) {
            return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
        }
        return store.acquire(key(namespace, id)).thenApply(lease -> {
            List<ChatMessage> record;
            try {
                record = lease.transcript();
            } finally {
                lease.release();
            }
            if (record.size() < 2 || !record.get(0).text().startsWith(PREFIX)) {
                return Optional.empty();
            }
            return Optional.of(new Stored(new SessionKey(record.get(0).text(), SessionKey.Kind.RESPONSE),
                    record.get(1).text()));
        });
    }

    /**
     * Stores response {@code id} of {@code namespace}; completes when it is stored (on the store's thread), fails
     * when the store failed. A response over the store's bounds completes without being stored.
     */
    public CompletionStage<Void> save(String namespace, String id, Stored response) {
        return store.acquire(key(namespace, id)).thenCompose(lease -> lease.commit(List.of(
                ChatMessage.text("user", response.conversation().value()),
                ChatMessage.text("assistant", response.json()))));
    }

    private static String key(String namespace, String id) {
        return prefix(namespace) + "resp:" + id;
    }

    private static String prefix(String namespace) {
        return PREFIX + namespace.length() + ":" + namespace + ":";
    }
}
