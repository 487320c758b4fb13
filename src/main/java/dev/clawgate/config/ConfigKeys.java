package dev.clawgate.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The catalogue of configuration keys: every {@code gateway.*} key with its built-in default, and the per-agent and
 * per-provider fields. One place names each key; {@link ConfigLoader} rejects a {@code gateway.*} key that is not here.
 *
 * <dl>
 * <dt>gateway.configFile</dt><dd>path of an {@code openclaw.json}-shaped JSON file [unset]</dd>
 * <dt>gateway.http.endpoints.chatCompletions.enabled</dt><dd>serve /v1/chat/completions and /v1/models [false]</dd>
 * <dt>gateway.auth.mode</dt><dd>token | password | none [token]</dd>
 * <dt>gateway.auth.token / gateway.auth.password</dt><dd>secrets; env OPENCLAW_GATEWAY_TOKEN / _PASSWORD</dd>
 * <dt>gateway.auth.allowNone</dt><dd>permit mode none [false]</dd>
 * <dt>gateway.auth.rateLimit.maxAttempts / windowMs / lockoutMs / exemptLoopback / maxTrackedClients / ipv6Prefix</dt>
 *     <dd>failed-auth lockout [10 / 60000 ms / 300000 ms / true / 10000 / 64 bits]</dd>
 * <dt>gateway.http.rateLimit.requestsPerMinute / burst / maxTrackedClients</dt><dd>[0 = off / = rpm / 10000]</dd>
 * <dt>gateway.trustedProxies</dt><dd>comma-separated IPs/CIDRs [empty]</dd>
 * <dt>gateway.http.maxBodyBytes / streamTimeoutMs / heartbeatMs</dt><dd>[20971520 bytes / 600000 ms / 15000 ms]</dd>
 * <dt>gateway.http.cors.allowedOrigins</dt><dd>comma-separated origins [empty = off]</dd>
 * <dt>gateway.state.dir / redis.url / maxSessions / idleTtlMs</dt><dd>[memory / unset / 10000 / 86400000 ms]</dd>
 * <dt>gateway.state.maxTranscriptMessages / maxTranscriptBytes / maxMemoryBytes / maxQueuedTurns</dt>
 *     <dd>[1000 / 1048576 bytes / 67108864 bytes (memory store) / 32 turns per session]</dd>
 * <dt>gateway.metrics.enabled / auth</dt><dd>[false / true]</dd>
 * <dt>agents.defaultAgent</dt><dd>[main]</dd>
 * <dt>agents.&lt;id&gt;.model / systemPrompt / maxHistoryMessages</dt><dd>[required / none / 50]</dd>
 * <dt>models.providers.&lt;name&gt;.baseUrl / apiKey / api / timeoutMs / wordDelayMs</dt>
 *     <dd>[required / none / openai-completions / 120000 ms / 0 ms (echo only)]</dd>
 * </dl>
 */
public final class ConfigKeys {
    public static final String CONFIG_FILE = "gateway.configFile";
    public static final String CHAT_ENABLED = "gateway.http.endpoints.chatCompletions.enabled";
    public static final String AUTH_MODE = "gateway.auth.mode";
    public static final String AUTH_TOKEN = "gateway.auth.token";
    public static final String AUTH_PASSWORD = "gateway.auth.password";
    public static final String AUTH_ALLOW_NONE = "gateway.auth.allowNone";
    public static final String LOCKOUT_MAX_ATTEMPTS = "gateway.auth.rateLimit.maxAttempts";
    public static final String LOCKOUT_WINDOW_MS = "gateway.auth.rateLimit.windowMs";
    public static final String LOCKOUT_MS = "gateway.auth.rateLimit.lockoutMs";
    public static final String LOCKOUT_EXEMPT_LOOPBACK = "gateway.auth.rateLimit.exemptLoopback";
    public static final String LOCKOUT_MAX_TRACKED = "gateway.auth.rateLimit.maxTrackedClients";
    public static final String LOCKOUT_IPV6_PREFIX = "gateway.auth.rateLimit.ipv6Prefix";
    public static final String RATE_RPM = "gateway.http.rateLimit.requestsPerMinute";
    public static final String RATE_BURST = "gateway.http.rateLimit.burst";
    public static final String RATE_MAX_TRACKED = "gateway.http.rateLimit.maxTrackedClients";
    public static final String TRUSTED_PROXIES = "gateway.trustedProxies";
    public static final String MAX_BODY_BYTES = "gateway.http.maxBodyBytes";
    public static final String STREAM_TIMEOUT_MS = "gateway.http.streamTimeoutMs";
    public static final String HEARTBEAT_MS = "gateway.http.heartbeatMs";
    public static final String CORS_ORIGINS = "gateway.http.cors.allowedOrigins";
    public static final String STATE_DIR = "gateway.state.dir";
    public static final String STATE_REDIS_URL = "gateway.state.redis.url";
    public static final String STATE_MAX_SESSIONS = "gateway.state.maxSessions";
    public static final String STATE_IDLE_TTL_MS = "gateway.state.idleTtlMs";
    public static final String STATE_MAX_TRANSCRIPT_MESSAGES = "gateway.state.maxTranscriptMessages";
    public static final String STATE_MAX_TRANSCRIPT_BYTES = "gateway.state.maxTranscriptBytes";
    public static final String STATE_MAX_MEMORY_BYTES = "gateway.state.maxMemoryBytes";
    public static final String STATE_MAX_QUEUED_TURNS = "gateway.state.maxQueuedTurns";
    public static final String METRICS_ENABLED = "gateway.metrics.enabled";
    public static final String METRICS_AUTH = "gateway.metrics.auth";
    public static final String DEFAULT_AGENT = "agents.defaultAgent";

    public static final String ENV_TOKEN = "OPENCLAW_GATEWAY_TOKEN";
    public static final String ENV_PASSWORD = "OPENCLAW_GATEWAY_PASSWORD";

    /** Fields of {@code agents.<id>.*}. */
    public static final Set<String> AGENT_FIELDS = Set.of("model", "systemPrompt", "maxHistoryMessages");
    /** Fields of {@code models.providers.<name>.*}. */
    public static final Set<String> PROVIDER_FIELDS = Set.of("baseUrl", "apiKey", "api", "timeoutMs", "wordDelayMs");
    /** Keys whose values are secrets: never logged, never echoed in an error. */
    public static final Pattern SECRET_KEY = Pattern.compile(
            "gateway\\.auth\\.(token|password)|gateway\\.state\\.redis\\.url|models\\.providers\\.[^.]+\\.apiKey");
    /** Agent ids, as OpenClaw: {@code ^[a-z0-9][a-z0-9_-]{0,63}$}. */
    public static final Pattern AGENT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** Every {@code gateway.*} key and its default ({@code null}: unset). */
    public static final Map<String, String> GATEWAY_DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(CONFIG_FILE, null);
        d.put(CHAT_ENABLED, "false");
        d.put(AUTH_MODE, "token");
        d.put(AUTH_TOKEN, null);
        d.put(AUTH_PASSWORD, null);
        d.put(AUTH_ALLOW_NONE, "false");
        d.put(LOCKOUT_MAX_ATTEMPTS, "10");
        d.put(LOCKOUT_WINDOW_MS, "60000");
        d.put(LOCKOUT_MS, "300000");
        d.put(LOCKOUT_EXEMPT_LOOPBACK, "true");
        d.put(LOCKOUT_MAX_TRACKED, "10000");
        d.put(LOCKOUT_IPV6_PREFIX, "64");
        d.put(RATE_RPM, "0");
        d.put(RATE_BURST, null);
        d.put(RATE_MAX_TRACKED, "10000");
        d.put(TRUSTED_PROXIES, "");
        d.put(MAX_BODY_BYTES, "20971520");
        d.put(STREAM_TIMEOUT_MS, "600000");
        d.put(HEARTBEAT_MS, "15000");
        d.put(CORS_ORIGINS, "");
        d.put(STATE_DIR, null);
        d.put(STATE_REDIS_URL, null);
        d.put(STATE_MAX_SESSIONS, "10000");
        d.put(STATE_IDLE_TTL_MS, "86400000");
        d.put(STATE_MAX_TRANSCRIPT_MESSAGES, "1000");
        d.put(STATE_MAX_TRANSCRIPT_BYTES, "1048576");
        d.put(STATE_MAX_MEMORY_BYTES, "67108864");
        d.put(STATE_MAX_QUEUED_TURNS, "32");
        d.put(METRICS_ENABLED, "false");
        d.put(METRICS_AUTH, "true");
        GATEWAY_DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** OpenClaw keys that mean nothing inside an app server; accepted from the JSON file and ignored. */
    static final Set<String> IGNORED_OPENCLAW_PREFIXES = Set.of(
            "gateway.port", "gateway.bind", "gateway.mode", "gateway.controlUi", "gateway.tailscale", "gateway.reload",
            "gateway.remote", "gateway.auth.allowTailscale", "gateway.auth.trustedProxy", "gateway.auth.identityScopes",
            "gateway.http.securityHeaders", "gateway.http.endpoints.responses",
            "gateway.http.endpoints.chatCompletions.images", "gateway.allowRealIpFallback");

    private ConfigKeys() {
    }

    static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).matches();
    }
}
