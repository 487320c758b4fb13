package dev.clawgate.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole gateway configuration, parsed and validated once at start-up by {@link ConfigLoader}. Immutable.
 * Every key, its default and its unit is listed in {@link ConfigKeys}; no record here prints a secret.
 *
 * @param chatCompletionsEnabled {@code gateway.http.endpoints.chatCompletions.enabled} [false]
 * @param http          HTTP limits, request rate limit and CORS
 * @param auth          bearer authentication and failed-auth lockout
 * @param trustedProxies {@code gateway.trustedProxies}: IPs or CIDRs whose {@code X-Forwarded-For} is believed [none]
 * @param state         the session store
 * @param metrics       the Prometheus endpoint
 * @param defaultAgent  {@code agents.defaultAgent} [main]
 * @param agents        agents by lower-case id, in configuration order
 * @param providers     upstream providers by name (the built-in {@code echo} is always present)
 */
public record GatewayConfig(
        boolean chatCompletionsEnabled,
        Http http,
        Auth auth,
        List<String> trustedProxies,
        State state,
        Metrics metrics,
        String defaultAgent,
        Map<String, AgentSpec> agents,
        Map<String, ProviderSpec> providers) {

    public GatewayConfig {
        trustedProxies = List.copyOf(trustedProxies);
        agents = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(agents));
        providers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(providers));
    }

    /**
     * @param maxBodyBytes      {@code gateway.http.maxBodyBytes}: largest accepted request body, bytes [20971520]
     * @param streamTimeoutMs   {@code gateway.http.streamTimeoutMs}: longest a request may run, ms [600000]
     * @param heartbeatMs       {@code gateway.http.heartbeatMs}: idle time before an SSE {@code : keepalive}, ms [15000]
     * @param requestsPerMinute {@code gateway.http.rateLimit.requestsPerMinute}: refill per client, 0 = off [0]
     * @param burst             {@code gateway.http.rateLimit.burst}: bucket capacity [= requestsPerMinute]
     * @param maxTrackedClients {@code gateway.http.rateLimit.maxTrackedClients}: most buckets kept [10000]
     * @param corsAllowedOrigins {@code gateway.http.cors.allowedOrigins}: exact origins, empty = CORS off [empty]
     */
    public record Http(long maxBodyBytes, long streamTimeoutMs, long heartbeatMs, long requestsPerMinute, long burst,
                       int maxTrackedClients, List<String> corsAllowedOrigins) {
        public Http {
            corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        }

        public boolean rateLimitEnabled() {
            return requestsPerMinute > 0;
        }
    }

    /** {@code gateway.auth.mode}. */
    public enum AuthMode { TOKEN, PASSWORD, NONE }

    /**
     * @param mode              [token]
     * @param token             {@code gateway.auth.token}, else env {@code OPENCLAW_GATEWAY_TOKEN}; masked
     * @param password          {@code gateway.auth.password}, else env {@code OPENCLAW_GATEWAY_PASSWORD}; masked
     * @param maxAttempts       {@code gateway.auth.rateLimit.maxAttempts}: wrong secrets before lockout [10]
     * @param windowMs          {@code gateway.auth.rateLimit.windowMs}: sliding window for them, ms [60000]
     * @param lockoutMs         {@code gateway.auth.rateLimit.lockoutMs}: lockout length, ms [300000]
     * @param exemptLoopback    {@code gateway.auth.rateLimit.exemptLoopback} [true]
     * @param maxTrackedClients {@code gateway.auth.rateLimit.maxTrackedClients}: most addresses tracked [10000]
     * @param ipv6Prefix        {@code gateway.auth.rateLimit.ipv6Prefix}: bits of an IPv6 address that name one
     *                          client for the lockout, 1..128 [64]
     */
    public record Auth(AuthMode mode, Secret token, Secret password, int maxAttempts, long windowMs, long lockoutMs,
                       boolean exemptLoopback, int maxTrackedClients, int ipv6Prefix) {
        /** With the default IPv6 prefix, /64. */
        public Auth(AuthMode mode, Secret token, Secret password, int maxAttempts, long windowMs, long lockoutMs,
                    boolean exemptLoopback, int maxTrackedClients) {
            this(mode, token, password, maxAttempts, windowMs, lockoutMs, exemptLoopback, maxTrackedClients, 64);
        }

        /** The secret a bearer credential is compared with, or null in mode none. */
        public Secret expectedSecret() {
            return switch (mode) {
                case TOKEN -> token;
                case PASSWORD -> password;
                case NONE -> null;
            };
        }
    }

    /**
     * @param dir         {@code gateway.state.dir}: file-backed sessions under this directory [unset = memory]
     * @param redisUrl    {@code gateway.state.redis.url}: Redis for a cluster [unset]; masked in toString
     * @param maxSessions {@code gateway.state.maxSessions}: sessions kept in memory, LRU beyond [10000]
     * @param idleTtlMs   {@code gateway.state.idleTtlMs}: a session unused this long is dropped, ms [86400000]
     * @param maxTranscriptMessages {@code gateway.state.maxTranscriptMessages}: messages kept per session, oldest
     *                    turns dropped whole beyond it [1000]
     * @param maxTranscriptBytes {@code gateway.state.maxTranscriptBytes}: stored bytes kept per session, oldest turns
     *                    dropped whole beyond it [1048576]
     * @param maxMemoryBytes {@code gateway.state.maxMemoryBytes}: stored bytes of all sessions of the memory store,
     *                    least recently used sessions dropped beyond it [67108864]
     * @param maxQueuedTurns {@code gateway.state.maxQueuedTurns}: turns that may wait behind the running one on one
     *                    session; one more is refused with 429 {@code session_busy} [32]
     */
    public record State(Path dir, Secret redisUrl, int maxSessions, long idleTtlMs, int maxTranscriptMessages,
                        long maxTranscriptBytes, long maxMemoryBytes, int maxQueuedTurns) {
        /** With the default transcript, memory and queue bounds. */
        public State(Path dir, Secret redisUrl, int maxSessions, long idleTtlMs) {
            this(dir, redisUrl, maxSessions, idleTtlMs, 1000, 1_048_576, 67_108_864, 32);
        }
    }

    /**
     * @param enabled {@code gateway.metrics.enabled} [false]
     * @param auth    {@code gateway.metrics.auth}: same bearer auth as the API [true]
     */
    public record Metrics(boolean enabled, boolean auth) {
    }

    /**
     * One agent: {@code agents.<id>.*}.
     *
     * @param id                 lower-case id
     * @param provider           provider name, the part of {@code model} before the first {@code /}
     * @param model              upstream model name, the rest of {@code model}
     * @param systemPrompt       {@code agents.<id>.systemPrompt} [none]
     * @param maxHistoryMessages {@code agents.<id>.maxHistoryMessages} [50]
     */
    public record AgentSpec(String id, String provider, String model, String systemPrompt, int maxHistoryMessages) {
    }

    /**
     * One upstream provider: {@code models.providers.<name>.*}.
     *
     * @param name        provider name
     * @param baseUrl     {@code baseUrl}, e.g. {@code http://127.0.0.1:11434/v1} (required except for echo)
     * @param apiKey      {@code apiKey}: sent as the upstream bearer token [none]; masked
     * @param api         {@code api} [openai-completions]
     * @param timeoutMs   {@code timeoutMs}: longest the upstream may stay silent (before its first byte or between
     *                    two), ms [120000]
     * @param wordDelayMs {@code wordDelayMs}: echo only, pause between streamed words, ms [0]
     */
    public record ProviderSpec(String name, URI baseUrl, Secret apiKey, String api, long timeoutMs, long wordDelayMs) {
    }
}
