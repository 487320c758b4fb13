package dev.clawgate.config;

import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.config.GatewayConfig.AuthMode;
import dev.clawgate.config.GatewayConfig.ModelRef;
import dev.clawgate.config.GatewayConfig.ProviderSpec;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the merged values of our keys into a {@link GatewayConfig}: every value through its {@link ConfigKey}, then
 * the rules that span keys (the default agent and each agent's provider exist, a secret is set when something needs
 * it, the burst is at least 1 while the rate limit is on, the session directory can be created). The first problem
 * is a {@link ConfigException} naming the key.
 */
final class ConfigParser {
    private static final Pattern AGENT_KEY = Pattern.compile("agents\\.([^.]+)\\.(.+)");
    private static final Pattern PROVIDER_KEY = Pattern.compile("models\\.providers\\.([^.]+)\\.(.+)");
    private static final List<String> PLACEHOLDERS = List.of("changeme", "change-me", "null", "undefined");
    /** Most entries of a list key that is walked per request: fallbacks, allowed models, session headers. */
    static final int MAX_LIST_ENTRIES = 8;
    /** Most entries of {@code agents.<id>.allowedModels}. */
    static final int MAX_ALLOWED_MODELS = 64;
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final System.Logger LOG = System.getLogger(ConfigLoader.class.getName());

    private final Map<String, String> values;
    private final Function<String, String> env;

    /**
     * @param values merged and interpolated values of our keys
     * @param env    environment variables, for the keys that fall back to one
     */
    ConfigParser(Map<String, String> values, Function<String, String> env) {
        this.values = values;
        this.env = env;
    }

    GatewayConfig parse() {
        values.keySet().forEach(this::checkKnown);
        Map<String, ProviderSpec> providers = providers();
        Mcp mcp = McpKeys.parse(values, env);
        Map<String, AgentSpec> agents = agents(providers, mcp);
        String defaultAgent = get(ConfigKey.DEFAULT_AGENT).trim().toLowerCase(Locale.ROOT);
        if (!agents.containsKey(defaultAgent)) {
            throw new ConfigException(ConfigKeys.DEFAULT_AGENT, "names agent '" + defaultAgent
                    + "', which is not configured (configured: " + String.join(", ", agents.keySet()) + ")");
        }
        long rpm = get(ConfigKey.RATE_RPM);
        Long burst = get(ConfigKey.RATE_BURST);
        if (rpm > 0 && burst != null && burst < 1) {
            throw new ConfigException(ConfigKeys.RATE_BURST, "must be between 1 and " + Long.MAX_VALUE
                    + ", not " + burst);
        }
        long maxBody = get(ConfigKey.MAX_BODY_BYTES);
        long inFlight = get(ConfigKey.MAX_BODY_BYTES_IN_FLIGHT);
        if (inFlight < maxBody) {
            throw new ConfigException(ConfigKey.MAX_BODY_BYTES_IN_FLIGHT.name(), "must be at least "
                    + ConfigKey.MAX_BODY_BYTES.name() + " (" + maxBody + "), not " + inFlight);
        }
        GatewayConfig.Http http = new GatewayConfig.Http(maxBody,
                get(ConfigKey.STREAM_TIMEOUT_MS), get(ConfigKey.HEARTBEAT_MS), rpm, burst == null ? rpm : burst,
                get(ConfigKey.RATE_MAX_TRACKED), get(ConfigKey.CORS_ORIGINS), get(ConfigKey.MAX_QUEUED_BYTES),
                get(ConfigKey.MAX_REPLY_BYTES), get(ConfigKey.DISCONNECT_CHECK_MS), inFlight,
                get(ConfigKey.BODY_TIMEOUT_MS));
        boolean enabled = get(ConfigKey.CHAT_ENABLED);
        GatewayConfig.Metrics metrics = new GatewayConfig.Metrics(get(ConfigKey.METRICS_ENABLED),
                get(ConfigKey.METRICS_AUTH));
        GatewayConfig.Auth auth = auth(enabled || metrics.enabled() && metrics.auth());
        List<AddressRange> trustedProxies = get(ConfigKey.TRUSTED_PROXIES);
        if (auth.mode() == AuthMode.TRUSTED_PROXY && trustedProxies.isEmpty()) {
            throw new ConfigException(ConfigKeys.AUTH_MODE, "trusted-proxy needs " + ConfigKeys.TRUSTED_PROXIES
                    + ": the addresses of the SSO proxy whose user header is believed");
        }
        return new GatewayConfig(enabled, http, auth, trustedProxies, state(), sessions(), metrics,
                defaultAgent, agents, providers, access(agents), get(ConfigKey.ACCESS_LOG_FORMAT),
                new GatewayConfig.Limits(get(ConfigKey.MAX_MODEL_CHARS), get(ConfigKey.MAX_USER_CHARS),
                        get(ConfigKey.MAX_HEADER_CHARS), get(ConfigKey.MAX_MESSAGES), get(ConfigKey.MAX_CONTENT_PARTS),
                        get(ConfigKey.MAX_PASS_THROUGH_BYTES), get(ConfigKey.MAX_CHOICES)), mcp,
                get(ConfigKey.TRACING_GENERATE));
    }

    private Access access(Map<String, AgentSpec> agents) {
        AccessParser parser = new AccessParser(env, agents.keySet());
        List<String> defaultAgents = parser.checkAgents(ConfigKey.TRUSTED_PROXY_DEFAULT_AGENTS.name(),
                get(ConfigKey.TRUSTED_PROXY_DEFAULT_AGENTS).stream().map(a -> a.toLowerCase(Locale.ROOT)).toList());
        String userHeader = get(ConfigKey.TRUSTED_PROXY_USER_HEADER).trim();
        if (userHeader.isEmpty() || !userHeader.matches("[A-Za-z0-9-]{1,64}")) {
            throw new ConfigException(ConfigKeys.TRUSTED_PROXY_USER_HEADER, "must be a header name, such as "
                    + ConfigKey.TRUSTED_PROXY_USER_HEADER.defaultValue());
        }
        return new Access(parser.keys(values), get(ConfigKey.KEYS_FILE), get(ConfigKey.KEYS_FILE_POLL_MS),
                new Access.TrustedProxy(userHeader, get(ConfigKey.TRUSTED_PROXY_REQUIRED_HEADERS),
                        get(ConfigKey.TRUSTED_PROXY_ALLOW_USERS), defaultAgents),
                parser.users(values, defaultAgents));
    }

    private <T> T get(ConfigKey<T> key) {
        return key.parse(key.name(), values.get(key.name()), env);
    }

    /** The field {@code key} of agent or provider {@code id}, from that one's fields. */
    private <T> T get(ConfigKey<T> key, String id, Map<String, String> fields) {
        return key.parse(key.nameFor(id), fields.get(key.field()), env);
    }

    /** One precise error for a key of ours that no descriptor describes. */
    private void checkKnown(String key) {
        Optional<ConfigKey<?>> known = ConfigKey.find(key);
        if (known.isPresent()) {
            String id = known.get().placeholderIn(key);
            if (id != null && key.startsWith("agents.")
                    && !ConfigKeys.AGENT_ID.matcher(id.toLowerCase(Locale.ROOT)).matches()) {
                throw new ConfigException(key, "agent id must match " + ConfigKeys.AGENT_ID.pattern());
            }
        } else if (AccessParser.KEY_FIELD.matcher(key).matches()) {
            throw new ConfigException(key, "unknown key field (keys are gateway.auth.keys.<name>."
                    + String.join(", .", ConfigKeys.KEY_FIELDS) + ")");
        } else if (AccessParser.USER_FIELD.matcher(key).matches()) {
            throw new ConfigException(key, "unknown user field (users are gateway.auth.users.<user>."
                    + String.join(", .", ConfigKeys.USER_FIELDS) + ")");
        } else if (key.startsWith("agents.")) {
            throw new ConfigException(key, "unknown agent key (agents are agents.<id>."
                    + String.join(", .", ConfigKeys.AGENT_FIELDS) + ")");
        } else if (PROVIDER_KEY.matcher(key).matches()) {
            throw new ConfigException(key, "unknown provider field (known: "
                    + String.join(", ", new TreeSet<>(ConfigKeys.PROVIDER_FIELDS)) + ")");
        } else if (key.startsWith("mcp.servers.")) {
            throw new ConfigException(key, "unknown MCP server key (servers are mcp.servers.<name>.url, "
                    + ".headers.<Header>, .timeoutMs or .command)");
        } else if (key.startsWith("models.")) {
            throw new ConfigException(key, "unknown key (providers are models.providers.<name>.<field>)");
        } else {
            throw new ConfigException(key, "unknown key (see the configuration reference)");
        }
    }

    private GatewayConfig.State state() {
        Path dir = get(ConfigKey.STATE_DIR);
        RedisEndpoint redis = get(ConfigKey.STATE_REDIS_URL);
        if (redis != null) {
            redis = redis.configure(ConfigKeys.STATE_REDIS_URL, ConfigKey.STATE_REDIS_MODE.name(),
                    get(ConfigKey.STATE_REDIS_MODE), get(ConfigKey.STATE_REDIS_WAIT_REPLICAS),
                    get(ConfigKey.STATE_REDIS_WAIT_TIMEOUT_MS));
        }
        if (redis != null && dir != null) {
            LOG.log(Level.WARNING, "clawgate: " + ConfigKeys.STATE_DIR + " is ignored: sessions live in Redis ("
                    + ConfigKeys.STATE_REDIS_URL + ")");
        } else if (dir != null) {
            checkDirectory(dir);
        }
        String url = values.get(ConfigKeys.STATE_REDIS_URL);
        GatewayConfig.State state = new GatewayConfig.State(dir, redis == null ? null : Secret.ofNullable(url.trim()),
                get(ConfigKey.STATE_MAX_SESSIONS), get(ConfigKey.STATE_IDLE_TTL_MS), redis,
                get(ConfigKey.STATE_MAX_TRANSCRIPT_MESSAGES), get(ConfigKey.STATE_MAX_TRANSCRIPT_BYTES),
                get(ConfigKey.STATE_MAX_MEMORY_BYTES), get(ConfigKey.STATE_MAX_QUEUED_TURNS));
        if (state.maxMemoryBytes() < state.maxTranscriptBytes()) {
            throw new ConfigException(ConfigKeys.STATE_MAX_MEMORY_BYTES, "must be at least "
                    + ConfigKeys.STATE_MAX_TRANSCRIPT_BYTES + " (" + state.maxTranscriptBytes() + ")");
        }
        return state;
    }

    private GatewayConfig.Sessions sessions() {
        List<String> headers = new java.util.ArrayList<>();
        for (String h : get(ConfigKey.SESSIONS_KEY_HEADERS)) {
            String name = h.toLowerCase(Locale.ROOT);
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new ConfigException(ConfigKeys.SESSIONS_KEY_HEADERS, "'" + h + "' is not a header name");
            }
            if (name.equals("x-openclaw-session-key") || name.equals("authorization") || name.equals("cookie")) {
                throw new ConfigException(ConfigKeys.SESSIONS_KEY_HEADERS, "cannot name " + name);
            }
            if (!headers.contains(name)) {
                headers.add(name);
            }
        }
        if (headers.size() > MAX_LIST_ENTRIES) {
            throw new ConfigException(ConfigKeys.SESSIONS_KEY_HEADERS, "lists more than " + MAX_LIST_ENTRIES
                    + " headers");
        }
        return new GatewayConfig.Sessions(get(ConfigKey.SESSIONS_USER_FIELD), headers);
    }

    /** The session directory exists and is writable, or its nearest existing ancestor is a writable directory. */
    private void checkDirectory(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        String problem = p == null ? "no part of it exists" : !Files.isDirectory(p) ? p + " is not a directory"
                : !Files.isWritable(p) ? p + " is not writable" : null;
        if (problem != null) {
            throw new ConfigException(ConfigKeys.STATE_DIR, "cannot create the directory " + dir + ": " + problem);
        }
    }

    private GatewayConfig.Auth auth(boolean secretRequired) {
        AuthMode mode = get(ConfigKey.AUTH_MODE);
        if (mode == AuthMode.NONE && !get(ConfigKey.AUTH_ALLOW_NONE)) {
            throw new ConfigException(ConfigKeys.AUTH_MODE, "none is refused unless "
                    + ConfigKeys.AUTH_ALLOW_NONE + "=true (anyone who can reach the gateway gets operator access)");
        }
        Secret token = get(ConfigKey.AUTH_TOKEN);
        Secret password = get(ConfigKey.AUTH_PASSWORD);
        if (secretRequired && (mode == AuthMode.TOKEN || mode == AuthMode.PASSWORD)) {
            ConfigKey<Secret> key = mode == AuthMode.TOKEN ? ConfigKey.AUTH_TOKEN : ConfigKey.AUTH_PASSWORD;
            Secret expected = mode == AuthMode.TOKEN ? token : password;
            if (expected == null) {
                throw new ConfigException(key.name(), "is required for auth mode "
                        + mode.name().toLowerCase(Locale.ROOT) + ", and " + key.env() + " is not in this process's"
                        + " environment: set the key, or export " + key.env() + " where the container starts (a"
                        + " variable set without export, e.g. in bin/setenv.sh, or in another shell, is not"
                        + " inherited)");
            }
            if (isPlaceholder(expected.reveal())) {
                throw new ConfigException(key.name(), "is a placeholder value; set a long random secret");
            }
            SecretStrength.check(key, expected, get(ConfigKey.AUTH_ALLOW_WEAK_SECRET));
        }
        if (mode == AuthMode.TRUSTED_PROXY && token != null) {
            if (isPlaceholder(token.reveal())) {
                throw new ConfigException(ConfigKey.AUTH_TOKEN.name(), "is a placeholder value; set a long random secret");
            }
            SecretStrength.check(ConfigKey.AUTH_TOKEN, token, get(ConfigKey.AUTH_ALLOW_WEAK_SECRET));
        }
        return new GatewayConfig.Auth(mode, token, password, get(ConfigKey.LOCKOUT_MAX_ATTEMPTS),
                get(ConfigKey.LOCKOUT_WINDOW_MS), get(ConfigKey.LOCKOUT_MS), get(ConfigKey.LOCKOUT_EXEMPT_LOOPBACK),
                get(ConfigKey.LOCKOUT_MAX_TRACKED), get(ConfigKey.LOCKOUT_IPV6_PREFIX));
    }

    /** Fields by lower-case owner, for keys {@code pattern} matches (group 1: owner, group 2: field). */
    private Map<String, Map<String, String>> grouped(Pattern pattern, boolean lowerCase) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            Matcher m = pattern.matcher(k);
            if (m.matches() && !k.equals(ConfigKeys.DEFAULT_AGENT)) {
                String owner = lowerCase ? m.group(1).toLowerCase(Locale.ROOT) : m.group(1);
                out.computeIfAbsent(owner, o -> new LinkedHashMap<>()).put(m.group(2), v);
            }
        });
        return out;
    }

    private Map<String, ProviderSpec> providers() {
        Map<String, Map<String, String>> byName = grouped(PROVIDER_KEY, false);
        byName.putIfAbsent("echo", new LinkedHashMap<>());
        Map<String, ProviderSpec> out = new LinkedHashMap<>();
        byName.forEach((name, fields) -> out.put(name, provider(name, fields)));
        return out;
    }

    private ProviderSpec provider(String name, Map<String, String> fields) {
        String api = get(ConfigKey.PROVIDER_API, name, fields).trim();
        long timeout = get(ConfigKey.PROVIDER_TIMEOUT_MS, name, fields);
        long wordDelay = get(ConfigKey.PROVIDER_WORD_DELAY_MS, name, fields);
        Secret apiKey = get(ConfigKey.PROVIDER_API_KEY, name, fields);
        int maxRetries = get(ConfigKey.PROVIDER_MAX_RETRIES, name, fields);
        long retryMaxWait = get(ConfigKey.PROVIDER_RETRY_MAX_WAIT_MS, name, fields);
        String baseUrlKey = ConfigKey.PROVIDER_BASE_URL.nameFor(name);
        if (name.equals("echo")) {
            if (fields.containsKey(ConfigKey.PROVIDER_BASE_URL.field())) {
                throw new ConfigException(baseUrlKey, "the built-in echo provider takes no baseUrl");
            }
            if (fields.containsKey(ConfigKey.PROVIDER_STREAMING.field())) {
                throw new ConfigException(ConfigKey.PROVIDER_STREAMING.nameFor(name),
                        "applies to openai-completions providers only");
            }
            return new ProviderSpec(name, null, null, "echo", timeout, wordDelay, maxRetries, retryMaxWait, List.of());
        }
        if (!api.equals(ConfigKey.PROVIDER_API.defaultValue())) {
            throw new ConfigException(ConfigKey.PROVIDER_API.nameFor(name), "'" + api
                    + "' is not supported (supported: " + ConfigKey.PROVIDER_API.defaultValue() + ")");
        }
        if (fields.containsKey(ConfigKey.PROVIDER_WORD_DELAY_MS.field())) {
            throw new ConfigException(ConfigKey.PROVIDER_WORD_DELAY_MS.nameFor(name),
                    "applies to the echo provider only");
        }
        URI uri = get(ConfigKey.PROVIDER_BASE_URL, name, fields);
        if (uri == null) {
            throw new ConfigException(baseUrlKey, "is required, e.g. http://127.0.0.1:11434/v1");
        }
        return new ProviderSpec(name, uri, apiKey, api, timeout, wordDelay, maxRetries, retryMaxWait,
                get(ConfigKey.PROVIDER_DROP_FIELDS, name, fields), get(ConfigKey.PROVIDER_STREAMING, name, fields));
    }

    private Map<String, AgentSpec> agents(Map<String, ProviderSpec> providers, Mcp mcp) {
        Map<String, Map<String, String>> byId = grouped(AGENT_KEY, true);
        if (byId.isEmpty()) {
            byId.put("main", new LinkedHashMap<>(Map.of(ConfigKey.AGENT_MODEL.field(), "echo/echo",
                    ConfigKey.AGENT_EMBEDDING_MODEL.field(), "echo/echo")));
        }
        Map<String, AgentSpec> out = new LinkedHashMap<>();
        byId.forEach((id, fields) -> {
            String modelKey = ConfigKey.AGENT_MODEL.nameFor(id);
            String model = get(ConfigKey.AGENT_MODEL, id, fields);
            if (model == null) {
                throw new ConfigException(modelKey, "is required, as <provider>/<model>, e.g. echo/echo");
            }
            ModelRef primary = ModelRefs.one(ConfigKey.AGENT_MODEL, id, model, providers, false);
            List<ModelRef> fallbacks = ModelRefs.list(ConfigKey.AGENT_FALLBACKS, id,
                    get(ConfigKey.AGENT_FALLBACKS, id, fields), providers, false, MAX_LIST_ENTRIES);
            List<ModelRef> allowed = ModelRefs.list(ConfigKey.AGENT_ALLOWED_MODELS, id,
                    get(ConfigKey.AGENT_ALLOWED_MODELS, id, fields), providers, true, MAX_ALLOWED_MODELS);
            String embedding = get(ConfigKey.AGENT_EMBEDDING_MODEL, id, fields);
            ModelRef embeddingModel = embedding == null || embedding.isBlank() ? null
                    : ModelRefs.one(ConfigKey.AGENT_EMBEDDING_MODEL, id, embedding, providers, false);
            List<String> servers = get(ConfigKey.AGENT_MCP_SERVERS, id, fields);
            List<String> tools = get(ConfigKey.AGENT_TOOLS, id, fields);
            tools = tools == null ? List.of() : tools;
            McpKeys.checkAgent(id, servers, tools, mcp);
            out.put(id, new AgentSpec(id, primary.provider(), primary.model(),
                    get(ConfigKey.AGENT_SYSTEM_PROMPT, id, fields), get(ConfigKey.AGENT_MAX_HISTORY, id, fields),
                    fallbacks, allowed, get(ConfigKey.AGENT_REASONING, id, fields), embeddingModel,
                    servers, tools, get(ConfigKey.AGENT_MAX_TOOL_ROUNDS, id, fields),
                    get(ConfigKey.AGENT_TOOL_PROGRESS, id, fields)));
        });
        return out;
    }

    static boolean isPlaceholder(String secret) {
        String s = secret.trim().toLowerCase(Locale.ROOT);
        return s.isEmpty() || PLACEHOLDERS.stream()
                .anyMatch(p -> s.equals(p) || (p.startsWith("change") && s.startsWith(p)));
    }
}
