package dev.clawgate.session;

/**
 * The session a request belongs to.
 *
 * @param value the key, e.g. {@code agent:main:openai-user:alice}; never logged, never a metric label
 * @param kind  where it came from
 */
public record SessionKey(String value, Kind kind) {
    /** Where a session key came from; safe to log. */
    public enum Kind {
        /** {@code x-openclaw-session-key}, used verbatim. */
        HEADER,
        /** Derived from the request's {@code user}. */
        USER,
        /** A fresh key per request; nothing is stored. */
        STATELESS,
        /** A {@code /v1/responses} conversation, continued by {@code previous_response_id} ({@link StoredResponses}). */
        RESPONSE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean stateful() {
        return kind != Kind.STATELESS;
    }

    @Override
    public String toString() {
        return "SessionKey[" + kind.label() + "]";
    }
}
