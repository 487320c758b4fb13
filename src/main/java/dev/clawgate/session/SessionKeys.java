package dev.clawgate.session;

import dev.clawgate.openai.ApiException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Resolves the session key of a request (SPEC §6), first that applies: header {@code x-openclaw-session-key}
 * (trimmed, verbatim; reserved prefixes {@code subagent:}, {@code cron:}, {@code acp:} and {@code responses:} — the
 * {@code /v1/responses} conversations of {@link StoredResponses} — are refused); the first of the
 * headers of {@code gateway.sessions.keyHeaders} [none] with a value, as
 * {@code agent:<id>:openai-header:<header name>:<value>} (the value trimmed, case kept; the header's name in the
 * key keeps two headers' values apart, and the {@code openai-header} namespace keeps them from {@code user} keys);
 * a non-empty {@code user}, as {@code agent:<id>:openai-user:<user>} lower-cased as OpenClaw does, unless
 * {@code gateway.sessions.userField} is {@code ignore}; else a fresh {@code agent:<id>:openai:<uuid>} that is never
 * stored. A value longer than {@value #MAX_LENGTH} characters is 400.
 *
 * <p>Sessions are private to their caller: a caller other than the operator passes its namespace
 * ({@code caller:<kind>:<length>:<name>:}), which prefixes its header, key-header and user keys, so one session key
 * or {@code user} sent with two client keys (or by two SSO users) names two transcripts. The operator's keys are
 * stored as given; a header key starting with {@code caller:} is refused like the other reserved prefixes, so no
 * header can reach into a namespace.
 */
public final class SessionKeys {
    /** The header that names a session verbatim. */
    public static final String SESSION_HEADER = "x-openclaw-session-key";
    /** Longest accepted header key or {@code user}, characters. */
    public static final int MAX_LENGTH = 512;
    private static final String[] RESERVED = {"subagent:", "cron:", "acp:", "caller:", StoredResponses.PREFIX};
    /** The defaults: no extra headers, {@code user} names a session. */
    public static final SessionKeys DEFAULT = new SessionKeys(List.of(), true);

    private final List<String> keyHeaders;
    private final boolean userNamesSession;

    /**
     * @param keyHeaders       {@code gateway.sessions.keyHeaders}: lower-case header names, in the order consulted
     * @param userNamesSession {@code gateway.sessions.userField} = {@code session}
     */
    public SessionKeys(List<String> keyHeaders, boolean userNamesSession) {
        this.keyHeaders = List.copyOf(keyHeaders);
        this.userNamesSession = userNamesSession;
    }

    /** {@code gateway.sessions.keyHeaders}, lower case, in the order consulted. */
    public List<String> keyHeaders() {
        return keyHeaders;
    }

    /**
     * The session of a request.
     *
     * @param headers the request's header values by lower-case name (null when absent)
     * @param user    the request's {@code user}, or null
     */
    public SessionKey sessionOf(Function<String, String> headers, String user, String agentId) {
        return sessionOf(headers, user, agentId, null);
    }

    /**
     * The session of a request of a caller.
     *
     * @param headers   the request's header values by lower-case name (null when absent)
     * @param user      the request's {@code user}, or null
     * @param namespace the caller's session namespace, prefixed to stored keys; null for the operator
     */
    public SessionKey sessionOf(Function<String, String> headers, String user, String agentId, String namespace) {
        String explicit = headers.apply(SESSION_HEADER);
        if (explicit == null || explicit.isBlank()) {
            for (String name : keyHeaders) {
                String value = headers.apply(name);
                if (value != null && !value.isBlank()) {
                    if (value.trim().length() > MAX_LENGTH) {
                        throw ApiException.badRequest(null, "invalid_session_key",
                                "`" + name + "` is longer than " + MAX_LENGTH + " characters.");
                    }
                    String key = "agent:" + agentId + ":openai-header:" + name + ":" + value.trim();
                    return new SessionKey(namespace == null ? key : namespace + key, SessionKey.Kind.HEADER);
                }
            }
        }
        return resolve(explicit, userNamesSession ? user : null, agentId, namespace);
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
