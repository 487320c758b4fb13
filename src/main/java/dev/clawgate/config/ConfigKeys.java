package dev.clawgate.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Key names as strings, for messages and for code that names a key without parsing it, and the sets derived from
 * the descriptors. Every name, default and doc lives in {@link ConfigKey}; nothing here states one again.
 */
public final class ConfigKeys {
    public static final String CONFIG_FILE = ConfigKey.CONFIG_FILE.name();
    public static final String CHAT_ENABLED = ConfigKey.CHAT_ENABLED.name();
    public static final String AUTH_MODE = ConfigKey.AUTH_MODE.name();
    public static final String AUTH_TOKEN = ConfigKey.AUTH_TOKEN.name();
    public static final String AUTH_PASSWORD = ConfigKey.AUTH_PASSWORD.name();
    public static final String AUTH_ALLOW_NONE = ConfigKey.AUTH_ALLOW_NONE.name();
    public static final String AUTH_ALLOW_WEAK_SECRET = ConfigKey.AUTH_ALLOW_WEAK_SECRET.name();
    public static final String KEYS_FILE = ConfigKey.KEYS_FILE.name();
    public static final String TRUSTED_PROXY_USER_HEADER = ConfigKey.TRUSTED_PROXY_USER_HEADER.name();
    public static final String LOCKOUT_MAX_ATTEMPTS = ConfigKey.LOCKOUT_MAX_ATTEMPTS.name();
    public static final String LOCKOUT_WINDOW_MS = ConfigKey.LOCKOUT_WINDOW_MS.name();
    public static final String LOCKOUT_MS = ConfigKey.LOCKOUT_MS.name();
    public static final String LOCKOUT_EXEMPT_LOOPBACK = ConfigKey.LOCKOUT_EXEMPT_LOOPBACK.name();
    public static final String LOCKOUT_MAX_TRACKED = ConfigKey.LOCKOUT_MAX_TRACKED.name();
    public static final String LOCKOUT_IPV6_PREFIX = ConfigKey.LOCKOUT_IPV6_PREFIX.name();
    public static final String RATE_RPM = ConfigKey.RATE_RPM.name();
    public static final String RATE_BURST = ConfigKey.RATE_BURST.name();
    public static final String RATE_MAX_TRACKED = ConfigKey.RATE_MAX_TRACKED.name();
    public static final String TRUSTED_PROXIES = ConfigKey.TRUSTED_PROXIES.name();
    public static final String MAX_BODY_BYTES = ConfigKey.MAX_BODY_BYTES.name();
    public static final String STREAM_TIMEOUT_MS = ConfigKey.STREAM_TIMEOUT_MS.name();
    public static final String HEARTBEAT_MS = ConfigKey.HEARTBEAT_MS.name();
    public static final String MAX_QUEUED_BYTES = ConfigKey.MAX_QUEUED_BYTES.name();
    public static final String MAX_REPLY_BYTES = ConfigKey.MAX_REPLY_BYTES.name();
    public static final String DISCONNECT_CHECK_MS = ConfigKey.DISCONNECT_CHECK_MS.name();
    public static final String CORS_ORIGINS = ConfigKey.CORS_ORIGINS.name();
    public static final String STATE_DIR = ConfigKey.STATE_DIR.name();
    public static final String STATE_REDIS_URL = ConfigKey.STATE_REDIS_URL.name();
    public static final String STATE_MAX_SESSIONS = ConfigKey.STATE_MAX_SESSIONS.name();
    public static final String STATE_IDLE_TTL_MS = ConfigKey.STATE_IDLE_TTL_MS.name();
    public static final String STATE_MAX_TRANSCRIPT_MESSAGES = ConfigKey.STATE_MAX_TRANSCRIPT_MESSAGES.name();
    public static final String STATE_MAX_TRANSCRIPT_BYTES = ConfigKey.STATE_MAX_TRANSCRIPT_BYTES.name();
    public static final String STATE_MAX_MEMORY_BYTES = ConfigKey.STATE_MAX_MEMORY_BYTES.name();
    public static final String STATE_MAX_QUEUED_TURNS = ConfigKey.STATE_MAX_QUEUED_TURNS.name();
    public static final String SESSIONS_USER_FIELD = ConfigKey.SESSIONS_USER_FIELD.name();
    public static final String SESSIONS_KEY_HEADERS = ConfigKey.SESSIONS_KEY_HEADERS.name();
    public static final String METRICS_ENABLED = ConfigKey.METRICS_ENABLED.name();
    public static final String METRICS_AUTH = ConfigKey.METRICS_AUTH.name();
    public static final String ACCESS_LOG_FORMAT = ConfigKey.ACCESS_LOG_FORMAT.name();
    public static final String DEFAULT_AGENT = ConfigKey.DEFAULT_AGENT.name();
    public static final String MCP_ALLOW_STDIO = ConfigKey.MCP_ALLOW_STDIO.name();

    public static final String ENV_TOKEN = ConfigKey.AUTH_TOKEN.env();
    public static final String ENV_PASSWORD = ConfigKey.AUTH_PASSWORD.env();

    /** Agent keys: {@code agents.<id>.<field>}. */
    static final String AGENT_PREFIX = "agents.<id>.";
    /** Provider keys: {@code models.providers.<name>.<field>}. */
    static final String PROVIDER_PREFIX = "models.providers.<name>.";
    /** MCP server keys: {@code mcp.servers.<name>.<field>}. */
    static final String MCP_PREFIX = "mcp.servers.<name>.";

    /** Fields of {@code gateway.auth.keys.<name>.*}. */
    public static final Set<String> KEY_FIELDS = fieldsUnder("gateway.auth.keys.<name>.");
    /** Fields of {@code gateway.auth.users.<user>.*}. */
    public static final Set<String> USER_FIELDS = fieldsUnder("gateway.auth.users.<user>.");
    /** Fields of {@code agents.<id>.*}. */
    public static final Set<String> AGENT_FIELDS = fieldsUnder(AGENT_PREFIX);
    /** Fields of {@code models.providers.<name>.*}. */
    public static final Set<String> PROVIDER_FIELDS = fieldsUnder(PROVIDER_PREFIX);
    /** Fields of {@code mcp.servers.<name>.*} ({@code <Header>} standing for {@code headers.<Header>}). */
    public static final Set<String> MCP_FIELDS = fieldsUnder(MCP_PREFIX);
    /** Keys whose values are secrets: never logged, never echoed in an error. */
    public static final Pattern SECRET_KEY = secretKeys();
    /** Agent ids, as OpenClaw: {@code ^[a-z0-9][a-z0-9_-]{0,63}$}. */
    public static final Pattern AGENT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** Every single {@code gateway.*} key (not the {@code <name>} patterns) and its default ({@code null}: unset). */
    public static final Map<String, String> GATEWAY_DEFAULTS = gatewayDefaults();

    /**
     * The first segments of our keys; other keys in the sources are not ours and are skipped (a JVM has many system
     * properties), except near misses of these ({@link #nearNamespace}), which are refused.
     */
    static final Set<String> NAMESPACES = namespaces();
    /** Shortest namespace whose typos are caught up to two edits ({@link #nearNamespace}). */
    static final int TYPO_MIN_LENGTH = 5;

    /** OpenClaw keys that mean nothing inside an app server; accepted from the JSON file and ignored. */
    static final Set<String> IGNORED_OPENCLAW_PREFIXES = Set.of(
            "gateway.port", "gateway.bind", "gateway.mode", "gateway.controlUi", "gateway.tailscale", "gateway.reload",
            "gateway.remote", "gateway.auth.allowTailscale", "gateway.auth.identityScopes",
            "gateway.http.securityHeaders", "gateway.http.endpoints.responses",
            "gateway.http.endpoints.chatCompletions.images", "gateway.allowRealIpFallback");

    private ConfigKeys() {
    }

    static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** Whether {@code key} is in one of {@link #NAMESPACES}. */
    static boolean ours(String key) {
        int dot = key.indexOf('.');
        return dot > 0 && NAMESPACES.contains(key.substring(0, dot));
    }

    /**
     * The namespace {@code key}'s first segment is a likely typo of ({@code agent.}, {@code model.},
     * {@code gateways.}, {@code Gateway.}: at most two edits, ignoring case, from one of {@link #NAMESPACES} and not
     * one of them), or null. A namespace of fewer than {@value #TYPO_MIN_LENGTH} characters ({@code mcp}) is matched
     * only but for case or one swap of adjacent letters ({@code MCP.}, {@code mpc.}): two edits from three letters
     * would take in other applications' parameters ({@code app.}, {@code jsp.}, {@code tcp.}).
     */
    static String nearNamespace(String key) {
        int dot = key.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        String first = key.substring(0, dot);
        if (NAMESPACES.contains(first)) {
            return null;
        }
        String lower = first.toLowerCase(java.util.Locale.ROOT);
        for (String ns : NAMESPACES) {
            int edits = editDistance(lower, ns);
            if (ns.length() >= TYPO_MIN_LENGTH ? edits <= 2 : edits == 0 || edits == 1 && swapped(lower, ns)) {
                return ns;
            }
        }
        return null;
    }

    /** Whether {@code a} is {@code b} with two adjacent letters swapped. */
    private static boolean swapped(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        int i = 0;
        while (i < a.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i + 1 < a.length() && a.charAt(i) == b.charAt(i + 1) && a.charAt(i + 1) == b.charAt(i)
                && a.substring(i + 2).equals(b.substring(i + 2));
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static Set<String> fieldsUnder(String prefix) {
        Set<String> out = new LinkedHashSet<>();
        for (ConfigKey<?> k : ConfigKey.all()) {
            if (k.name().startsWith(prefix)) {
                out.add(k.field());
            }
        }
        return Collections.unmodifiableSet(out);
    }

    private static Pattern secretKeys() {
        List<String> alternatives = new ArrayList<>();
        for (ConfigKey<?> k : ConfigKey.all()) {
            if (k.secret()) {
                alternatives.add(Pattern.quote(k.name()).replaceAll("<[A-Za-z]+>", "\\\\E[^.]+\\\\Q"));
            }
        }
        return Pattern.compile(String.join("|", alternatives));
    }

    private static Map<String, String> gatewayDefaults() {
        Map<String, String> d = new LinkedHashMap<>();
        for (ConfigKey<?> k : ConfigKey.all()) {
            if (k.name().startsWith("gateway.") && !k.name().contains("<")) {
                d.put(k.name(), k.defaultValue());
            }
        }
        return Collections.unmodifiableMap(d);
    }

    private static Set<String> namespaces() {
        Set<String> out = new LinkedHashSet<>();
        for (ConfigKey<?> k : ConfigKey.all()) {
            out.add(k.name().substring(0, k.name().indexOf('.')));
        }
        return Collections.unmodifiableSet(out);
    }
}
