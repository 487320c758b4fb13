package dev.clawgate.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole gateway configuration, parsed and validated once at start-up by {@link ConfigLoader}. Immutable; holds
 * parsed values only. Each component names the {@link ConfigKey} it comes from, which holds the key's name, default,
 * unit, range and doc; no record here prints a secret.
 *
 * @param chatCompletionsEnabled {@link ConfigKey#CHAT_ENABLED}
 * @param http               HTTP limits, request rate limit and CORS
 * @param auth               bearer authentication and failed-auth lockout
 * @param trustedProxyRanges {@link ConfigKey#TRUSTED_PROXIES}, parsed
 * @param state              the session store
 * @param sessions           how requests name their session
 * @param metrics            the Prometheus endpoint
 * @param defaultAgent       {@link ConfigKey#DEFAULT_AGENT}, lower case
 * @param agents             agents by lower-case id, in configuration order
 * @param providers          upstream providers by name (the built-in {@code echo} is always present)
 * @param access             client keys, the keys file and SSO users ({@code gateway.auth.keys.*},
 *                           {@code gateway.auth.trustedProxy.*}, {@code gateway.auth.users.*})
 * @param accessLogFormat    {@link ConfigKey#ACCESS_LOG_FORMAT}
 * @param limits             bounds on one chat request's fields
 * @param mcp                the MCP servers agents may call tools of ({@code mcp.servers.*})
 * @param tracingGenerate    {@link ConfigKey#TRACING_GENERATE}
 */
public record GatewayConfig(
        boolean chatCompletionsEnabled,
        Http http,
        Auth auth,
        List<AddressRange> trustedProxyRanges,
        State state,
        Sessions sessions,
        Metrics metrics,
        String defaultAgent,
        Map<String, AgentSpec> agents,
        Map<String, ProviderSpec> providers,
        Access access,
        AccessLogFormat accessLogFormat,
        Limits limits,
        Mcp mcp,
        boolean tracingGenerate) {

    public GatewayConfig {
        mcp = mcp == null ? Mcp.NONE : mcp;
        trustedProxyRanges = List.copyOf(trustedProxyRanges);
        agents = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(agents));
        providers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(providers));
    }

    /** {@link ConfigKey#TRUSTED_PROXIES} as configured, one entry per address or CIDR. */
    public List<String> trustedProxies() {
        return trustedProxyRanges.stream().map(AddressRange::toString).toList();
    }

    /**
     * @param maxBodyBytes       {@link ConfigKey#MAX_BODY_BYTES}
     * @param streamTimeoutMs    {@link ConfigKey#STREAM_TIMEOUT_MS}
     * @param heartbeatMs        {@link ConfigKey#HEARTBEAT_MS}
     * @param requestsPerMinute  {@link ConfigKey#RATE_RPM}
     * @param burst              {@link ConfigKey#RATE_BURST}
     * @param maxTrackedClients  {@link ConfigKey#RATE_MAX_TRACKED}
     * @param corsAllowedOrigins {@link ConfigKey#CORS_ORIGINS}
     * @param maxQueuedBytes     {@link ConfigKey#MAX_QUEUED_BYTES}
     * @param maxReplyBytes      {@link ConfigKey#MAX_REPLY_BYTES}
     * @param disconnectCheckMs  {@link ConfigKey#DISCONNECT_CHECK_MS}
     * @param maxBodyBytesInFlight {@link ConfigKey#MAX_BODY_BYTES_IN_FLIGHT}
     * @param bodyTimeoutMs      {@link ConfigKey#BODY_TIMEOUT_MS}
     */
    public record Http(long maxBodyBytes, long streamTimeoutMs, long heartbeatMs, long requestsPerMinute, long burst,
                       int maxTrackedClients, List<String> corsAllowedOrigins, long maxQueuedBytes,
                       long maxReplyBytes, long disconnectCheckMs, long maxBodyBytesInFlight, long bodyTimeoutMs) {
        public Http {
            corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        }

        public boolean rateLimitEnabled() {
            return requestsPerMinute > 0;
        }
    }

    /** {@link ConfigKey#ACCESS_LOG_FORMAT}: {@code key=value} pairs (logfmt) or one JSON object per line. */
    public enum AccessLogFormat { LOGFMT, JSON }

    /**
     * Bounds on one chat request, each answered with a 400 naming the field.
     *
     * @param maxModelChars       {@link ConfigKey#MAX_MODEL_CHARS}
     * @param maxUserChars        {@link ConfigKey#MAX_USER_CHARS}
     * @param maxHeaderChars      {@link ConfigKey#MAX_HEADER_CHARS}
     * @param maxMessages         {@link ConfigKey#MAX_MESSAGES}
     * @param maxContentParts     {@link ConfigKey#MAX_CONTENT_PARTS}
     * @param maxPassThroughBytes {@link ConfigKey#MAX_PASS_THROUGH_BYTES}
     * @param maxChoices          {@link ConfigKey#MAX_CHOICES}
     */
    public record Limits(int maxModelChars, int maxUserChars, int maxHeaderChars, int maxMessages,
                         int maxContentParts, long maxPassThroughBytes, int maxChoices) {
    }

    /**
     * {@link ConfigKey#AUTH_MODE}: {@code token}, {@code password}, {@code none}, or {@code trusted-proxy} (the caller
     * is the user a trusted SSO proxy names in a header; the token, when set, stays the operator secret).
     */
    public enum AuthMode { TOKEN, PASSWORD, NONE, TRUSTED_PROXY }

    /**
     * @param mode              {@link ConfigKey#AUTH_MODE}
     * @param token             {@link ConfigKey#AUTH_TOKEN}; masked
     * @param password          {@link ConfigKey#AUTH_PASSWORD}; masked
     * @param maxAttempts       {@link ConfigKey#LOCKOUT_MAX_ATTEMPTS}
     * @param windowMs          {@link ConfigKey#LOCKOUT_WINDOW_MS}
     * @param lockoutMs         {@link ConfigKey#LOCKOUT_MS}
     * @param exemptLoopback    {@link ConfigKey#LOCKOUT_EXEMPT_LOOPBACK}
     * @param maxTrackedClients {@link ConfigKey#LOCKOUT_MAX_TRACKED}
     * @param ipv6Prefix        {@link ConfigKey#LOCKOUT_IPV6_PREFIX}
     */
    public record Auth(AuthMode mode, Secret token, Secret password, int maxAttempts, long windowMs, long lockoutMs,
                       boolean exemptLoopback, int maxTrackedClients, int ipv6Prefix) {
        /** With the default IPv6 prefix, /64. */
        public Auth(AuthMode mode, Secret token, Secret password, int maxAttempts, long windowMs, long lockoutMs,
                    boolean exemptLoopback, int maxTrackedClients) {
            this(mode, token, password, maxAttempts, windowMs, lockoutMs, exemptLoopback, maxTrackedClients, 64);
        }

        /** The operator secret a bearer credential is compared with, or null in mode none. */
        public Secret expectedSecret() {
            return switch (mode) {
                case TOKEN, TRUSTED_PROXY -> token;
                case PASSWORD -> password;
                case NONE -> null;
            };
        }
    }

    /** Where sessions live. */
    public enum StoreKind {
        /** In this JVM, bounded by {@link State#maxSessions()}. */
        MEMORY,
        /** In files under {@link State#dir()}. */
        FILE,
        /** In Redis at {@link State#redis()}, shared by a cluster. */
        REDIS
    }

    /**
     * @param dir         {@link ConfigKey#STATE_DIR}; checked at load to be a directory that can be created or
     *                    written; ignored (with a warning at load) when {@code redis} is set
     * @param redisUrl    {@link ConfigKey#STATE_REDIS_URL} as configured; masked. Read {@code redis} instead
     * @param maxSessions {@link ConfigKey#STATE_MAX_SESSIONS}
     * @param idleTtlMs   {@link ConfigKey#STATE_IDLE_TTL_MS}
     * @param redis       {@link ConfigKey#STATE_REDIS_URL}, parsed; null when unset
     * @param maxTranscriptMessages {@link ConfigKey#STATE_MAX_TRANSCRIPT_MESSAGES}
     * @param maxTranscriptBytes    {@link ConfigKey#STATE_MAX_TRANSCRIPT_BYTES}
     * @param maxMemoryBytes        {@link ConfigKey#STATE_MAX_MEMORY_BYTES}
     * @param maxQueuedTurns        {@link ConfigKey#STATE_MAX_QUEUED_TURNS}
     */
    public record State(Path dir, Secret redisUrl, int maxSessions, long idleTtlMs, RedisEndpoint redis,
                        int maxTranscriptMessages, long maxTranscriptBytes, long maxMemoryBytes, int maxQueuedTurns) {
        /** With the default transcript, memory and queue bounds. */
        public State(Path dir, Secret redisUrl, int maxSessions, long idleTtlMs, RedisEndpoint redis) {
            this(dir, redisUrl, maxSessions, idleTtlMs, redis, 1000, 1_048_576, 67_108_864, 32);
        }

        /** The store the configuration chose: Redis when its URL is set, else files when the directory is, else memory. */
        public StoreKind store() {
            return redis != null ? StoreKind.REDIS : dir != null ? StoreKind.FILE : StoreKind.MEMORY;
        }
    }

    /** {@link ConfigKey#SESSIONS_USER_FIELD}: whether a request's {@code user} derives its session key. */
    public enum UserField { SESSION, IGNORE }

    /**
     * @param userField  {@link ConfigKey#SESSIONS_USER_FIELD}
     * @param keyHeaders {@link ConfigKey#SESSIONS_KEY_HEADERS}, lower case, in the order consulted
     */
    public record Sessions(UserField userField, List<String> keyHeaders) {
        public Sessions {
            keyHeaders = List.copyOf(keyHeaders);
        }

        /** Whether {@code user} names a session. */
        public boolean userNamesSession() {
            return userField == UserField.SESSION;
        }
    }

    /**
     * @param enabled {@link ConfigKey#METRICS_ENABLED}
     * @param auth    {@link ConfigKey#METRICS_AUTH}
     */
    public record Metrics(boolean enabled, boolean auth) {
    }

    /** {@link ConfigKey#AGENT_REASONING}: whether the model's reasoning reaches the client. */
    public enum Reasoning { PASS, DROP }

    /**
     * A model of a provider, written {@code <provider>/<model>}; the model may be {@code *} in
     * {@link ConfigKey#AGENT_ALLOWED_MODELS} (any model of that provider).
     */
    public record ModelRef(String provider, String model) {
        /** {@code <provider>/<model>} split at its first {@code /}; null when either side is empty. */
        public static ModelRef parse(String text) {
            String t = text == null ? "" : text.trim();
            int slash = t.indexOf('/');
            if (slash <= 0 || slash == t.length() - 1) {
                return null;
            }
            return new ModelRef(t.substring(0, slash).trim(), t.substring(slash + 1).trim());
        }

        /** Whether this is a {@code <provider>/*} pattern. */
        public boolean wildcard() {
            return model.equals("*");
        }

        @Override
        public String toString() {
            return provider + "/" + model;
        }
    }

    /**
     * One agent: {@code agents.<id>.*}.
     *
     * @param id                 lower-case id
     * @param provider           provider name, the part of {@link ConfigKey#AGENT_MODEL} before the first {@code /}
     * @param model              upstream model name, the rest of it
     * @param systemPrompt       {@link ConfigKey#AGENT_SYSTEM_PROMPT}, or null
     * @param maxHistoryMessages {@link ConfigKey#AGENT_MAX_HISTORY}
     * @param fallbacks          {@link ConfigKey#AGENT_FALLBACKS}, in the order tried
     * @param allowedModels      {@link ConfigKey#AGENT_ALLOWED_MODELS}
     * @param reasoning          {@link ConfigKey#AGENT_REASONING}
     * @param embeddingModel     {@link ConfigKey#AGENT_EMBEDDING_MODEL}, or null
     * @param mcpServers         {@link ConfigKey#AGENT_MCP_SERVERS}: configured MCP server names (empty: no tools)
     * @param tools              {@link ConfigKey#AGENT_TOOLS}: {@code <server>/<tool>} or {@code <server>/*}, each
     *                           naming one of {@code mcpServers}; empty: every tool of those servers
     * @param maxToolRounds      {@link ConfigKey#AGENT_MAX_TOOL_ROUNDS}
     * @param toolProgress       {@link ConfigKey#AGENT_TOOL_PROGRESS}
     */
    public record AgentSpec(String id, String provider, String model, String systemPrompt, int maxHistoryMessages,
                            List<ModelRef> fallbacks, List<ModelRef> allowedModels, Reasoning reasoning,
                            ModelRef embeddingModel, List<String> mcpServers, List<String> tools, int maxToolRounds,
                            ToolProgress toolProgress) {
        /** Default of {@link ConfigKey#AGENT_MAX_TOOL_ROUNDS}. */
        public static final int DEFAULT_MAX_TOOL_ROUNDS = 8;

        public AgentSpec {
            fallbacks = List.copyOf(fallbacks);
            allowedModels = List.copyOf(allowedModels);
            reasoning = reasoning == null ? Reasoning.PASS : reasoning;
            mcpServers = List.copyOf(mcpServers);
            tools = List.copyOf(tools);
            toolProgress = toolProgress == null ? ToolProgress.NONE : toolProgress;
        }

        /** An agent without server tools. */
        public AgentSpec(String id, String provider, String model, String systemPrompt, int maxHistoryMessages,
                         List<ModelRef> fallbacks, List<ModelRef> allowedModels, Reasoning reasoning,
                         ModelRef embeddingModel) {
            this(id, provider, model, systemPrompt, maxHistoryMessages, fallbacks, allowedModels, reasoning,
                    embeddingModel, List.of(), List.of(), DEFAULT_MAX_TOOL_ROUNDS, ToolProgress.NONE);
        }

        /** An agent with no fallbacks, no allowed models, reasoning passed, no embedding model and no server tools. */
        public AgentSpec(String id, String provider, String model, String systemPrompt, int maxHistoryMessages) {
            this(id, provider, model, systemPrompt, maxHistoryMessages, List.of(), List.of(), Reasoning.PASS, null);
        }

        /** {@code <provider>/<model>} of the agent's own model. */
        public ModelRef modelRef() {
            return new ModelRef(provider, model);
        }

        /** This agent answering with {@code chosen} instead of its own model for one request. */
        public AgentSpec withModel(ModelRef chosen) {
            return new AgentSpec(id, chosen.provider(), chosen.model(), systemPrompt, maxHistoryMessages, fallbacks,
                    allowedModels, reasoning, embeddingModel, mcpServers, tools, maxToolRounds, toolProgress);
        }

        /** Whether the agent may call server tools. */
        public boolean usesTools() {
            return !mcpServers.isEmpty();
        }
    }

    /** {@link ConfigKey#AGENT_TOOL_PROGRESS}: what a stream shows while server tools run. */
    public enum ToolProgress {
        /** Nothing but keepalives. */
        NONE,
        /** Each call announced in {@code delta.reasoning_content}. */
        REASONING
    }

    /**
     * One upstream provider: {@code models.providers.<name>.*}.
     *
     * @param name        provider name
     * @param baseUrl     {@link ConfigKey#PROVIDER_BASE_URL}; null for echo
     * @param apiKey      {@link ConfigKey#PROVIDER_API_KEY}, or null; masked
     * @param api         {@link ConfigKey#PROVIDER_API} ({@code echo} for the built-in echo)
     * @param timeoutMs   {@link ConfigKey#PROVIDER_TIMEOUT_MS}
     * @param wordDelayMs {@link ConfigKey#PROVIDER_WORD_DELAY_MS}
     * @param maxRetries     {@link ConfigKey#PROVIDER_MAX_RETRIES}
     * @param retryMaxWaitMs {@link ConfigKey#PROVIDER_RETRY_MAX_WAIT_MS}
     * @param dropFields     {@link ConfigKey#PROVIDER_DROP_FIELDS}: top-level request fields removed before sending
     * @param streaming      {@link ConfigKey#PROVIDER_STREAMING}: when a call to this upstream is streamed
     */
    public record ProviderSpec(String name, URI baseUrl, Secret apiKey, String api, long timeoutMs, long wordDelayMs,
                               int maxRetries, long retryMaxWaitMs, List<String> dropFields, Streaming streaming) {
        public ProviderSpec {
            dropFields = dropFields == null ? List.of() : List.copyOf(dropFields);
            streaming = streaming == null ? Streaming.ALWAYS : streaming;
        }

        /** Every call streamed. */
        public ProviderSpec(String name, URI baseUrl, Secret apiKey, String api, long timeoutMs, long wordDelayMs,
                            int maxRetries, long retryMaxWaitMs, List<String> dropFields) {
            this(name, baseUrl, apiKey, api, timeoutMs, wordDelayMs, maxRetries, retryMaxWaitMs, dropFields,
                    Streaming.ALWAYS);
        }

        /** With no retries and no dropped field; every call streamed. */
        public ProviderSpec(String name, URI baseUrl, Secret apiKey, String api, long timeoutMs, long wordDelayMs) {
            this(name, baseUrl, apiKey, api, timeoutMs, wordDelayMs, 0, 2_000, List.of());
        }
    }

    /** {@code models.providers.<name>.streaming}: which calls to an upstream are streamed. */
    public enum Streaming {
        /** Every call, whatever the client asked: the upstream's progress is seen, timeoutMs bounds its silences. */
        ALWAYS,
        /**
         * As the client asked: a client that does not stream gets one non-streamed upstream call (one answer body
         * instead of a frame per token: far cheaper), and timeoutMs then bounds the whole answer.
         */
        AS_CLIENT
    }
}
