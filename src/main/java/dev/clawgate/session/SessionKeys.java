package dev.clawgate.session;

import dev.clawgate.openai.ApiException;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Resolves the session key of a request (SPEC §6), first that applies: header {@code x-openclaw-session-key}
 * (trimmed, verbatim; reserved prefixes {@code subagent:}, {@code cron:}, {@code acp:} and {@code responses:} — the
 * {@code /v1/responses} conversations of {@link StoredResponses} — are refused); a non-empty
 * {@code user}, as {@code agent:<id>:openai-user:<user>} lower-cased as OpenClaw does; else a fresh
 * {@code agent:<id>:openai:<uuid>} that is never stored.
 *
 * <p>Sessions are private to their caller: a caller other than the operator passes its namespace
 * ({@code caller:<kind>:<length>:<name>:}), which prefixes its header and user keys, so one session key or
 * {@code user} sent with two client keys (or by two SSO users) names two transcripts. The operator's keys are stored
 * as given; a header key starting with {@code caller:} is refused like the other reserved prefixes, so no header can
 * reach into a namespace.
 */
public final class SessionKeys {
    /** Longest accepted header key or {@code user}, characters. */
    public static final int MAX_LENGTH = 512;
    private static final String[] RESERVED = {"subagent:", "cron:", "acp:", "caller:", StoredResponses.PREFIX};

    private SessionKeys() {
    }

    public static SessionKey resolve(String header, String user, String agentId) {
        return resolve(header, user, agentId, null);
    }

    /**
     * @param namespace the caller's session namespace, prefixed to stored keys; null for the operator
     */
    public static SessionKey resolve(String header, String user, String agentId, String namespace) {
        SessionKey key = resolveBare(header, user, agentId);
        return namespace == null || !key.stateful() ? key : new SessionKey(namespace + key.value(), key.kind());
    }

    private static SessionKey resolveBare(String header, String user, String agentId) {
        if (header != null && !header.isBlank()) {
            String key = header.trim();
            String lower = key.toLowerCase(Locale.ROOT);
            for (String prefix : RESERVED) {
                if (lower.startsWith(prefix)) {
                    throw ApiException.badRequest(null, "invalid_session_key",
                            "`x-openclaw-session-key` cannot use reserved internal session namespaces.");
                }
            }
            if (key.length() > MAX_LENGTH) {
                throw ApiException.badRequest(null, "invalid_session_key",
                        "`x-openclaw-session-key` is longer than " + MAX_LENGTH + " characters.");
            }
            return new SessionKey(key, SessionKey.Kind.HEADER);
        }
        if (user != null && !user.isBlank()) {
            if (user.length() > MAX_LENGTH) {
                throw ApiException.badRequest("user", "`user` is longer than " + MAX_LENGTH + " characters.");
            }
            return new SessionKey(("agent:" + agentId + ":openai-user:" + user.trim()).toLowerCase(Locale.ROOT),
                    SessionKey.Kind.USER);
        }
        return new SessionKey("agent:" + agentId + ":openai:" + statelessId(), SessionKey.Kind.STATELESS);
    }

    /**
     * A random version-4 UUID from {@link ThreadLocalRandom}: the key of a stateless run is never stored and grants
     * nothing, so it needs uniqueness, not {@link UUID#randomUUID()}'s {@code SecureRandom}, which the benchmark
     * showed costing about 2.5% of a request's CPU (and a lock shared by all requests).
     */
    static UUID statelessId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | Long.MIN_VALUE);
    }
}
