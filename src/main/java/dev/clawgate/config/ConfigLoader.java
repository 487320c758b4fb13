package dev.clawgate.config;

import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.config.GatewayConfig.AuthMode;
import dev.clawgate.config.GatewayConfig.ProviderSpec;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link GatewayConfig} from its sources, highest first: JVM system properties, servlet context init
 * parameters, the JSON file named by {@code gateway.configFile}, the built-in defaults ({@link ConfigKeys}).
 * Values may contain {@code ${env:NAME}}. The two gateway secrets fall back to {@code OPENCLAW_GATEWAY_TOKEN} and
 * {@code OPENCLAW_GATEWAY_PASSWORD}. Anything wrong throws a {@link ConfigException} naming the key; nothing here
 * knows about servlets, so the loader is tested without a container.
 */
public final class ConfigLoader {
    private static final System.Logger LOG = System.getLogger(ConfigLoader.class.getName());
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern AGENT_KEY = Pattern.compile("agents\\.([^.]+)\\.(.+)");
    private static final Pattern PROVIDER_KEY = Pattern.compile("models\\.providers\\.([^.]+)\\.(.+)");
    private static final List<String> PLACEHOLDERS = List.of("changeme", "change-me", "null", "undefined");

    private final Map<String, String> systemProperties;
    private final Map<String, String> initParameters;
    private final Function<String, String> env;

    /**
     * @param systemProperties JVM system properties (only {@code gateway.*}, {@code agents.*}, {@code models.*} count)
     * @param initParameters   servlet context init parameters (same prefixes)
     * @param env              environment variables, by name
     */
    public ConfigLoader(Map<String, String> systemProperties, Map<String, String> initParameters,
                        Function<String, String> env) {
        this.systemProperties = ours(systemProperties);
        this.initParameters = ours(initParameters);
        this.env = env;
    }

    /** A loader over this JVM's system properties and environment. */
    public static ConfigLoader fromSystem(Map<String, String> initParameters) {
        Map<String, String> props = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return new ConfigLoader(props, initParameters, System::getenv);
    }

    /** Reads, merges, interpolates and validates; throws {@link ConfigException} on the first bad key. */
    public GatewayConfig load() {
        Map<String, String> merged = new TreeMap<>();
        String file = interpolate(ConfigKeys.CONFIG_FILE,
                systemProperties.getOrDefault(ConfigKeys.CONFIG_FILE, initParameters.get(ConfigKeys.CONFIG_FILE)));
        if (file != null && !file.isBlank()) {
            JsonConfigFile.read(Path.of(file.trim())).forEach((k, v) -> {
                if (ignoredOpenClawKey(k) || notOurField(k)) {
                    LOG.log(Level.DEBUG, "clawgate: ignoring OpenClaw key {0}, which has no meaning in a WAR", k);
                } else {
                    merged.put(k, v);
                }
            });
        }
        merged.putAll(initParameters);
        merged.putAll(systemProperties);
        Map<String, String> values = new TreeMap<>();
        merged.forEach((k, v) -> values.put(k, interpolate(k, v)));
        return new Parser(values).parse();
    }

    private static Map<String, String> ours(Map<String, String> source) {
        Map<String, String> out = new TreeMap<>();
        source.forEach((k, v) -> {
            if (k.startsWith("gateway.") || k.startsWith("agents.") || k.startsWith("models.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** An OpenClaw agent or provider field we have no use for (workspace, identity, headers...): JSON file only. */
    private static boolean notOurField(String key) {
        Matcher agent = AGENT_KEY.matcher(key);
        if (!key.equals(ConfigKeys.DEFAULT_AGENT) && agent.matches()) {
            return !ConfigKeys.AGENT_FIELDS.contains(agent.group(2));
        }
        Matcher provider = PROVIDER_KEY.matcher(key);
        return provider.matches() && !ConfigKeys.PROVIDER_FIELDS.contains(provider.group(2));
    }

    private static boolean ignoredOpenClawKey(String key) {
        for (String prefix : ConfigKeys.IGNORED_OPENCLAW_PREFIXES) {
            if (key.equals(prefix) || key.startsWith(prefix + ".")) {
                return true;
            }
        }
        return key.startsWith("agents.defaults.") || key.startsWith("models.providers.") && key.contains(".models")
                || !(key.startsWith("gateway.") || key.startsWith("agents.") || key.startsWith("models.providers."));
    }

    private String interpolate(String key, String value) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        Matcher m = ENV_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = env.apply(m.group(1));
            if (resolved == null) {
                throw new ConfigException(key, "refers to environment variable " + m.group(1) + ", which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Typed reads over the merged values. */
    private final class Parser {
        private final Map<String, String> values;

        Parser(Map<String, String> values) {
            this.values = values;
        }

        GatewayConfig parse() {
            for (String key : values.keySet()) {
                if (key.startsWith("gateway.") && !ConfigKeys.GATEWAY_DEFAULTS.containsKey(key)) {
                    throw new ConfigException(key, "unknown key (see the configuration reference)");
                }
            }
            Map<String, ProviderSpec> providers = providers();
            Map<String, AgentSpec> agents = agents(providers);
            String defaultAgent = string(ConfigKeys.DEFAULT_AGENT, "main").toLowerCase(Locale.ROOT);
            if (!agents.containsKey(defaultAgent)) {
                throw new ConfigException(ConfigKeys.DEFAULT_AGENT, "names agent '" + defaultAgent
                        + "', which is not configured (configured: " + String.join(", ", agents.keySet()) + ")");
            }
            long rpm = number(ConfigKeys.RATE_RPM, 0, Long.MAX_VALUE);
            String burstValue = values.get(ConfigKeys.RATE_BURST);
            long burst = burstValue == null ? rpm : number(ConfigKeys.RATE_BURST, rpm > 0 ? 1 : 0, Long.MAX_VALUE);
            GatewayConfig.Http http = new GatewayConfig.Http(
                    number(ConfigKeys.MAX_BODY_BYTES, 1, Integer.MAX_VALUE - 8),
                    number(ConfigKeys.STREAM_TIMEOUT_MS, 1, Long.MAX_VALUE),
                    number(ConfigKeys.HEARTBEAT_MS, 1, Long.MAX_VALUE),
                    rpm, burst,
                    (int) number(ConfigKeys.RATE_MAX_TRACKED, 1, Integer.MAX_VALUE),
                    list(ConfigKeys.CORS_ORIGINS));
            boolean enabled = bool(ConfigKeys.CHAT_ENABLED);
            GatewayConfig.Metrics metrics = new GatewayConfig.Metrics(bool(ConfigKeys.METRICS_ENABLED),
                    bool(ConfigKeys.METRICS_AUTH));
            GatewayConfig.Auth auth = auth(enabled || metrics.enabled() && metrics.auth());
            String dir = values.get(ConfigKeys.STATE_DIR);
            String redis = values.get(ConfigKeys.STATE_REDIS_URL);
            if (redis != null && !redis.isBlank() && !redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
                throw new ConfigException(ConfigKeys.STATE_REDIS_URL, "must start with redis:// or rediss://");
            }
            GatewayConfig.State state = new GatewayConfig.State(
                    dir == null || dir.isBlank() ? null : Path.of(dir.trim()),
                    Secret.ofNullable(redis),
                    (int) number(ConfigKeys.STATE_MAX_SESSIONS, 1, Integer.MAX_VALUE),
                    number(ConfigKeys.STATE_IDLE_TTL_MS, 1, Long.MAX_VALUE),
                    (int) number(ConfigKeys.STATE_MAX_TRANSCRIPT_MESSAGES, 2, Integer.MAX_VALUE),
                    number(ConfigKeys.STATE_MAX_TRANSCRIPT_BYTES, 1024, Integer.MAX_VALUE - 8),
                    number(ConfigKeys.STATE_MAX_MEMORY_BYTES, 1024, Long.MAX_VALUE),
                    (int) number(ConfigKeys.STATE_MAX_QUEUED_TURNS, 0, 1_000_000));
            if (state.maxMemoryBytes() < state.maxTranscriptBytes()) {
                throw new ConfigException(ConfigKeys.STATE_MAX_MEMORY_BYTES, "must be at least "
                        + ConfigKeys.STATE_MAX_TRANSCRIPT_BYTES + " (" + state.maxTranscriptBytes() + ")");
            }
            return new GatewayConfig(enabled, http, auth, list(ConfigKeys.TRUSTED_PROXIES), state, metrics,
                    defaultAgent, agents, providers);
        }

        private GatewayConfig.Auth auth(boolean secretRequired) {
            String modeValue = string(ConfigKeys.AUTH_MODE, "token").trim().toLowerCase(Locale.ROOT);
            AuthMode mode = switch (modeValue) {
                case "token" -> AuthMode.TOKEN;
                case "password" -> AuthMode.PASSWORD;
                case "none" -> AuthMode.NONE;
                default -> throw new ConfigException(ConfigKeys.AUTH_MODE,
                        "must be token, password or none, not '" + modeValue + "'");
            };
            if (mode == AuthMode.NONE && !bool(ConfigKeys.AUTH_ALLOW_NONE)) {
                throw new ConfigException(ConfigKeys.AUTH_MODE, "none is refused unless "
                        + ConfigKeys.AUTH_ALLOW_NONE + "=true (anyone who can reach the gateway gets operator access)");
            }
            Secret token = secret(ConfigKeys.AUTH_TOKEN, ConfigKeys.ENV_TOKEN);
            Secret password = secret(ConfigKeys.AUTH_PASSWORD, ConfigKeys.ENV_PASSWORD);
            if (secretRequired && mode != AuthMode.NONE) {
                String key = mode == AuthMode.TOKEN ? ConfigKeys.AUTH_TOKEN : ConfigKeys.AUTH_PASSWORD;
                String envName = mode == AuthMode.TOKEN ? ConfigKeys.ENV_TOKEN : ConfigKeys.ENV_PASSWORD;
                Secret expected = mode == AuthMode.TOKEN ? token : password;
                if (expected == null) {
                    throw new ConfigException(key, "is required for auth mode " + modeValue + " (or set " + envName + ")");
                }
                if (isPlaceholder(expected.reveal())) {
                    throw new ConfigException(key, "is a placeholder value; set a long random secret");
                }
            }
            return new GatewayConfig.Auth(mode, token, password,
                    (int) number(ConfigKeys.LOCKOUT_MAX_ATTEMPTS, 1, Integer.MAX_VALUE),
                    number(ConfigKeys.LOCKOUT_WINDOW_MS, 1, Long.MAX_VALUE),
                    number(ConfigKeys.LOCKOUT_MS, 1, Long.MAX_VALUE),
                    bool(ConfigKeys.LOCKOUT_EXEMPT_LOOPBACK),
                    (int) number(ConfigKeys.LOCKOUT_MAX_TRACKED, 1, Integer.MAX_VALUE),
                    (int) number(ConfigKeys.LOCKOUT_IPV6_PREFIX, 1, 128));
        }

        private Map<String, ProviderSpec> providers() {
            Map<String, Map<String, String>> byName = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                Matcher m = PROVIDER_KEY.matcher(k);
                if (m.matches()) {
                    if (!ConfigKeys.PROVIDER_FIELDS.contains(m.group(2))) {
                        throw new ConfigException(k, "unknown provider field (known: "
                                + String.join(", ", new java.util.TreeSet<>(ConfigKeys.PROVIDER_FIELDS)) + ")");
                    }
                    byName.computeIfAbsent(m.group(1), n -> new LinkedHashMap<>()).put(m.group(2), v);
                } else if (k.startsWith("models.")) {
                    throw new ConfigException(k, "unknown key (providers are models.providers.<name>.<field>)");
                }
            });
            byName.putIfAbsent("echo", new LinkedHashMap<>());
            Map<String, ProviderSpec> out = new LinkedHashMap<>();
            byName.forEach((name, fields) -> out.put(name, provider(name, fields)));
            return out;
        }

        private ProviderSpec provider(String name, Map<String, String> fields) {
            String prefix = "models.providers." + name + ".";
            String api = fields.getOrDefault("api", "openai-completions").trim();
            long timeout = number(prefix + "timeoutMs", 1, Long.MAX_VALUE, "120000");
            long wordDelay = number(prefix + "wordDelayMs", 0, 3_600_000, "0");
            Secret apiKey = Secret.ofNullable(fields.get("apiKey"));
            if (name.equals("echo")) {
                if (fields.containsKey("baseUrl")) {
                    throw new ConfigException(prefix + "baseUrl", "the built-in echo provider takes no baseUrl");
                }
                return new ProviderSpec(name, null, null, "echo", timeout, wordDelay);
            }
            if (!api.equals("openai-completions")) {
                throw new ConfigException(prefix + "api", "'" + api + "' is not supported (supported: openai-completions)");
            }
            if (fields.containsKey("wordDelayMs")) {
                throw new ConfigException(prefix + "wordDelayMs", "applies to the echo provider only");
            }
            String base = fields.get("baseUrl");
            if (base == null || base.isBlank()) {
                throw new ConfigException(prefix + "baseUrl", "is required, e.g. http://127.0.0.1:11434/v1");
            }
            URI uri;
            try {
                uri = URI.create(base.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(prefix + "baseUrl", "is not a valid URL");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(prefix + "baseUrl", "must be an http:// or https:// URL with a host");
            }
            return new ProviderSpec(name, uri, apiKey, api, timeout, wordDelay);
        }

        private Map<String, AgentSpec> agents(Map<String, ProviderSpec> providers) {
            Map<String, Map<String, String>> byId = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (k.equals(ConfigKeys.DEFAULT_AGENT)) {
                    return;
                }
                Matcher m = AGENT_KEY.matcher(k);
                if (!k.startsWith("agents.")) {
                    return;
                }
                if (!m.matches() || !ConfigKeys.AGENT_FIELDS.contains(m.group(2))) {
                    throw new ConfigException(k, "unknown agent key (agents are agents.<id>.model, .systemPrompt, "
                            + ".maxHistoryMessages)");
                }
                String id = m.group(1).toLowerCase(Locale.ROOT);
                if (!ConfigKeys.AGENT_ID.matcher(id).matches()) {
                    throw new ConfigException(k, "agent id must match [a-z0-9][a-z0-9_-]{0,63}");
                }
                byId.computeIfAbsent(id, i -> new LinkedHashMap<>()).put(m.group(2), v);
            });
            if (byId.isEmpty()) {
                byId.put("main", new LinkedHashMap<>(Map.of("model", "echo/echo")));
            }
            Map<String, AgentSpec> out = new LinkedHashMap<>();
            byId.forEach((id, fields) -> {
                String prefix = "agents." + id + ".";
                String model = fields.get("model");
                if (model == null || model.isBlank()) {
                    throw new ConfigException(prefix + "model", "is required, as <provider>/<model>, e.g. echo/echo");
                }
                int slash = model.indexOf('/');
                if (slash <= 0 || slash == model.length() - 1) {
                    throw new ConfigException(prefix + "model", "must be <provider>/<model>, not '" + model + "'");
                }
                String provider = model.substring(0, slash).trim();
                if (!providers.containsKey(provider)) {
                    throw new ConfigException(prefix + "model", "names provider '" + provider
                            + "', which is not configured (add models.providers." + provider + ".baseUrl)");
                }
                String prompt = fields.get("systemPrompt");
                out.put(id, new AgentSpec(id, provider, model.substring(slash + 1).trim(),
                        prompt == null || prompt.isBlank() ? null : prompt,
                        (int) number(prefix + "maxHistoryMessages", 0, 100_000, "50")));
            });
            return out;
        }

        private Secret secret(String key, String envName) {
            String v = values.get(key);
            if (v == null || v.isBlank()) {
                v = env.apply(envName);
            }
            return Secret.ofNullable(v == null ? null : v.trim());
        }

        private String string(String key, String fallback) {
            String v = values.get(key);
            return v == null || v.isBlank() ? fallback : v;
        }

        private List<String> list(String key) {
            String v = values.getOrDefault(key, "");
            List<String> out = new ArrayList<>();
            Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
            return out;
        }

        private boolean bool(String key) {
            String v = string(key, ConfigKeys.GATEWAY_DEFAULTS.get(key)).trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key, "must be true or false, not '" + v + "'");
            };
        }

        private long number(String key, long min, long max) {
            return number(key, min, max, ConfigKeys.GATEWAY_DEFAULTS.get(key));
        }

        private long number(String key, long min, long max, String fallback) {
            String v = string(key, fallback).trim();
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "must be a whole number, not '" + v + "'");
            }
            if (n < min || n > max) {
                throw new ConfigException(key, "must be between " + min + " and " + max + ", not " + n);
            }
            return n;
        }
    }

    static boolean isPlaceholder(String secret) {
        String s = secret.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return true;
        }
        for (String p : PLACEHOLDERS) {
            if (s.equals(p) || (p.startsWith("change") && s.startsWith(p))) {
                return true;
            }
        }
        return false;
    }
}
