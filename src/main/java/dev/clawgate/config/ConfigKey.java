package dev.clawgate.config;

import static dev.clawgate.config.ValueType.addressRanges;
import static dev.clawgate.config.ValueType.bool;
import static dev.clawgate.config.ValueType.choice;
import static dev.clawgate.config.ValueType.httpUrl;
import static dev.clawgate.config.ValueType.instant;
import static dev.clawgate.config.ValueType.intNumber;
import static dev.clawgate.config.ValueType.list;
import static dev.clawgate.config.ValueType.path;
import static dev.clawgate.config.ValueType.redisUrl;
import static dev.clawgate.config.ValueType.text;
import static dev.clawgate.config.ValueType.wholeNumber;

import dev.clawgate.config.GatewayConfig.AuthMode;
import dev.clawgate.config.GatewayConfig.Reasoning;
import dev.clawgate.config.GatewayConfig.ToolProgress;
import dev.clawgate.config.GatewayConfig.UserField;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key, described once: its name, the type its text parses to (with the range of a number), its
 * built-in default, its unit and a one-line doc. {@link ConfigParser} reads every value through its descriptor
 * ({@link #parse}: blank is unset, then the key's environment variable, then the default), {@link GatewayConfig}
 * holds the parsed values, {@link ConfigKeys} derives the string names and key sets from {@link #all()}, and
 * {@code ConfigReferenceTest} holds README.md's configuration table and web.xml's key list to it.
 *
 * <p>A name may hold placeholders ({@code <id>}, {@code <name>}, {@code <Header>}), each matching one segment of a
 * concrete key ({@code agents.<id>.model}); the first names the owner ({@link #placeholderIn}). {@code <user>}
 * ({@code gateway.auth.users.<user>.agents}) matches one or more, so an SSO user name may hold dots
 * ({@code alice@example.com}). A key of ours ({@link ConfigKeys#NAMESPACES}) that matches no descriptor is
 * refused by the parser, naming it.
 *
 * <p>To add a key: one constant here ({@link ConfigKeyBuilder}) (the name, a {@link ValueType}, the default, the unit, the doc); one record
 * component in {@link GatewayConfig}, filled in {@link ConfigParser} with {@code get(KEY)} (or
 * {@code get(KEY, id, fields)} for an agent or provider field); one row in README.md and one line in web.xml, which
 * the test prints when they are missing. Keys under a placeholder prefix group by owner ({@link McpKeys}).
 *
 * @param <T> the parsed value
 */
public final class ConfigKey<T> {
    private static final List<ConfigKey<?>> ALL = new ArrayList<>();
    private static final Pattern PLACEHOLDER = Pattern.compile("<[A-Za-z]+>");
    /** The placeholder that may span dots (SSO user names such as {@code alice@example.com}). */
    private static final String DOTTED_PLACEHOLDER = "<user>";

    // --- gateway.*: one per deployment ------------------------------------------------------------------------
    public static final ConfigKey<Path> CONFIG_FILE = key("gateway.configFile", path())
            .doc("path of an openclaw.json-shaped JSON file, read below init parameters");
    public static final ConfigKey<Boolean> CHAT_ENABLED = key("gateway.http.endpoints.chatCompletions.enabled", bool())
            .byDefault("false").doc("serve /v1/chat/completions, /v1/models, /v1/embeddings, /v1/sessions (else 404)");
    public static final ConfigKey<AuthMode> AUTH_MODE = key("gateway.auth.mode", choice(AuthMode.class))
            .byDefault("token").doc("token | password | none | trusted-proxy (none refused unless gateway.auth.allowNone=true)");
    public static final ConfigKey<Secret> AUTH_TOKEN = key("gateway.auth.token", ValueType.secret())
            .env("OPENCLAW_GATEWAY_TOKEN").doc("the bearer token in mode token");
    public static final ConfigKey<Secret> AUTH_PASSWORD = key("gateway.auth.password", ValueType.secret())
            .env("OPENCLAW_GATEWAY_PASSWORD").doc("the bearer password in mode password");
    public static final ConfigKey<Boolean> AUTH_ALLOW_NONE = key("gateway.auth.allowNone", bool())
            .byDefault("false").doc("permit mode none");
    public static final ConfigKey<Boolean> AUTH_ALLOW_WEAK_SECRET = key("gateway.auth.allowWeakSecret", bool())
            .byDefault("false").doc("accept a token or password shorter than 32 characters (one warning at start-up)");
    public static final ConfigKey<Secret> KEY_SHA256 = key("gateway.auth.keys.<name>.sha256", ValueType.secret())
            .shown("required").doc("lower-case hex SHA-256 of the client's API key (the key itself is never stored)");
    public static final ConfigKey<List<String>> KEY_AGENTS = key("gateway.auth.keys.<name>.agents", list())
            .shown("required").doc("comma-separated agent ids the key may use, or *");
    public static final ConfigKey<Long> KEY_RPM = key("gateway.auth.keys.<name>.requestsPerMinute",
            wholeNumber(0, Long.MAX_VALUE)).byDefault("0").unit("per minute").doc("the key's request limit, 0 = none");
    public static final ConfigKey<Long> KEY_TPM = key("gateway.auth.keys.<name>.tokensPerMinute",
            wholeNumber(0, Long.MAX_VALUE)).byDefault("0").unit("tokens per minute")
            .doc("the key's token quota per calendar minute, 0 = none");
    public static final ConfigKey<Long> KEY_TPD = key("gateway.auth.keys.<name>.tokensPerDay",
            wholeNumber(0, Long.MAX_VALUE)).byDefault("0").unit("tokens per day")
            .doc("the key's token quota per UTC day, 0 = none");
    public static final ConfigKey<Instant> KEY_EXPIRES_AT = key("gateway.auth.keys.<name>.expiresAt", instant())
            .shown("never").doc("ISO-8601 date (00:00 UTC) or instant from which the key is refused");
    public static final ConfigKey<Boolean> KEY_ENABLED = key("gateway.auth.keys.<name>.enabled", bool())
            .byDefault("true").doc("false refuses the key (401) without deleting it");
    public static final ConfigKey<Path> KEYS_FILE = key("gateway.auth.keysFile", path())
            .doc("JSON file {\"keys\":{\"<name>\":{...}}} merged over the declared keys, re-read when it changes");
    public static final ConfigKey<Long> KEYS_FILE_POLL_MS = key("gateway.auth.keysFile.pollMs",
            wholeNumber(100, 3_600_000)).byDefault("2000").unit("ms").doc("how often the keys file is checked");
    public static final ConfigKey<String> TRUSTED_PROXY_USER_HEADER = key("gateway.auth.trustedProxy.userHeader",
            text()).byDefault("X-Forwarded-User").doc("mode trusted-proxy: the header holding the SSO user");
    public static final ConfigKey<List<String>> TRUSTED_PROXY_REQUIRED_HEADERS = key(
            "gateway.auth.trustedProxy.requiredHeaders", list()).byDefault("")
            .doc("mode trusted-proxy: comma-separated headers that must be present too");
    public static final ConfigKey<List<String>> TRUSTED_PROXY_ALLOW_USERS = key("gateway.auth.trustedProxy.allowUsers",
            list()).byDefault("").doc("mode trusted-proxy: comma-separated users let in; empty = any");
    public static final ConfigKey<List<String>> TRUSTED_PROXY_DEFAULT_AGENTS = key(
            "gateway.auth.trustedProxy.defaultAgents", list()).byDefault("*")
            .doc("mode trusted-proxy: agents of a user without gateway.auth.users.<user>.agents, or *");
    public static final ConfigKey<List<String>> USER_AGENTS = key("gateway.auth.users.<user>.agents", list())
            .shown("= defaultAgents").doc("comma-separated agent ids the SSO user may use, or *");
    public static final ConfigKey<Long> USER_RPM = key("gateway.auth.users.<user>.requestsPerMinute",
            wholeNumber(0, Long.MAX_VALUE)).byDefault("0").unit("per minute").doc("the user's request limit, 0 = none");
    public static final ConfigKey<Long> USER_TPM = key("gateway.auth.users.<user>.tokensPerMinute",
            wholeNumber(0, Long.MAX_VALUE)).byDefault("0").unit("tokens per minute")
            .doc("the user's token quota per calendar minute, 0 = none");
    public static final ConfigKey<Long> USER_TPD = key("gateway.auth.users.<user>.tokensPerDay",
            wholeNumber(0, Long.MAX_VALUE)).byDefault("0").unit("tokens per day")
            .doc("the user's token quota per UTC day, 0 = none");
    public static final ConfigKey<Instant> USER_EXPIRES_AT = key("gateway.auth.users.<user>.expiresAt", instant())
            .shown("never").doc("ISO-8601 date (00:00 UTC) or instant from which the user is refused");
    public static final ConfigKey<Boolean> USER_ENABLED = key("gateway.auth.users.<user>.enabled", bool())
            .byDefault("true").doc("false refuses the user (403)");
    public static final ConfigKey<Integer> LOCKOUT_MAX_ATTEMPTS = key("gateway.auth.rateLimit.maxAttempts",
            intNumber(1, Integer.MAX_VALUE)).byDefault("10")
            .doc("wrong secrets per client IP within the window before lockout");
    public static final ConfigKey<Long> LOCKOUT_WINDOW_MS = key("gateway.auth.rateLimit.windowMs",
            wholeNumber(1, Long.MAX_VALUE)).byDefault("60000").unit("ms").doc("sliding window of the lockout");
    public static final ConfigKey<Long> LOCKOUT_MS = key("gateway.auth.rateLimit.lockoutMs",
            wholeNumber(1, Long.MAX_VALUE)).byDefault("300000").unit("ms").doc("lockout length");
    public static final ConfigKey<Boolean> LOCKOUT_EXEMPT_LOOPBACK = key("gateway.auth.rateLimit.exemptLoopback", bool())
            .byDefault("true").doc("loopback clients (after proxy resolution) are never locked out");
    public static final ConfigKey<Integer> LOCKOUT_MAX_TRACKED = key("gateway.auth.rateLimit.maxTrackedClients",
            intNumber(1, Integer.MAX_VALUE)).byDefault("10000").doc("most client IPs tracked by the lockout");
    public static final ConfigKey<Integer> LOCKOUT_IPV6_PREFIX = key("gateway.auth.rateLimit.ipv6Prefix",
            intNumber(1, 128)).byDefault("64").unit("bits")
            .doc("leading bits of an IPv6 address that name one client for the lockout (a /64 is one client)");
    public static final ConfigKey<Long> RATE_RPM = key("gateway.http.rateLimit.requestsPerMinute",
            wholeNumber(0, Long.MAX_VALUE)).byDefault("0").unit("per minute")
            .doc("token-bucket refill per client IP, 0 = off");
    public static final ConfigKey<Long> RATE_BURST = key("gateway.http.rateLimit.burst", wholeNumber(0, Long.MAX_VALUE))
            .shown("= requestsPerMinute").doc("bucket capacity, at least 1 when the limit is on");
    public static final ConfigKey<Integer> RATE_MAX_TRACKED = key("gateway.http.rateLimit.maxTrackedClients",
            intNumber(1, Integer.MAX_VALUE)).byDefault("10000").doc("most client buckets kept (LRU)");
    public static final ConfigKey<List<AddressRange>> TRUSTED_PROXIES = key("gateway.trustedProxies", addressRanges())
            .byDefault("").doc("comma-separated IPv4/IPv6 addresses and CIDRs whose X-Forwarded-For is believed");
    public static final ConfigKey<Long> MAX_BODY_BYTES = key("gateway.http.maxBodyBytes",
            wholeNumber(1, Integer.MAX_VALUE - 8)).byDefault("20971520").unit("bytes").doc("largest request body");
    public static final ConfigKey<Long> MAX_BODY_BYTES_IN_FLIGHT = key("gateway.http.maxBodyBytesInFlight",
            wholeNumber(1, Long.MAX_VALUE)).byDefault("67108864").unit("bytes")
            .doc("request-body bytes held at once by all requests being read (503 beyond), at least maxBodyBytes");
    public static final ConfigKey<Long> BODY_TIMEOUT_MS = key("gateway.http.bodyTimeoutMs",
            wholeNumber(1, Long.MAX_VALUE)).byDefault("30000").unit("ms")
            .doc("longest a request body may take to arrive (408 after)");
    public static final ConfigKey<Long> STREAM_TIMEOUT_MS = key("gateway.http.streamTimeoutMs",
            wholeNumber(1, Long.MAX_VALUE)).byDefault("600000").unit("ms").doc("longest a request may run");
    public static final ConfigKey<Long> HEARTBEAT_MS = key("gateway.http.heartbeatMs", wholeNumber(1, Long.MAX_VALUE))
            .byDefault("15000").unit("ms").doc("silence before an SSE \": keepalive\" comment");
    public static final ConfigKey<Long> MAX_QUEUED_BYTES = key("gateway.http.maxQueuedBytes",
            wholeNumber(1024, Integer.MAX_VALUE)).byDefault("1048576").unit("bytes")
            .doc("response bytes a client may leave unread; the reply is paused while it is behind, and a response "
                    + "whose client stays behind beyond this is dropped");
    public static final ConfigKey<Long> MAX_REPLY_BYTES = key("gateway.http.maxReplyBytes",
            wholeNumber(1024, Integer.MAX_VALUE / 8)).byDefault("8388608").unit("bytes")
            .doc("longest reply the gateway gathers for one run (non-streaming or stored session: text and tool-call "
                    + "arguments, UTF-8); a longer one is cut there and ends with finish_reason length");
    public static final ConfigKey<Long> DISCONNECT_CHECK_MS = key("gateway.http.disconnectCheckMs",
            wholeNumber(0, 3_600_000)).byDefault("1000").unit("ms")
            .doc("while a non-streaming reply is prepared, how often the connection is checked for a client that hung "
                    + "up (its run is then cancelled and nothing is stored); 0 = off");
    public static final ConfigKey<List<String>> CORS_ORIGINS = key("gateway.http.cors.allowedOrigins", list())
            .byDefault("").doc("comma-separated exact browser origins allowed by CORS; empty = CORS off");
    public static final ConfigKey<Path> STATE_DIR = key("gateway.state.dir", path())
            .doc("keep sessions in files under this directory; unset = in memory");
    public static final ConfigKey<RedisEndpoint> STATE_REDIS_URL = key("gateway.state.redis.url", redisUrl())
            .doc("redis://, rediss:// or redis-sentinel:// URL: sessions, lockouts and limits shared by a cluster");
    public static final ConfigKey<RedisEndpoint.Mode> STATE_REDIS_MODE = key("gateway.state.redis.mode",
            choice(RedisEndpoint.Mode.class)).byDefault("standalone")
            .doc("standalone, sentinel or cluster: one server, Sentinels (implied by redis-sentinel://) or a Redis "
                    + "Cluster (the URL may list several seed nodes)");
    public static final ConfigKey<Integer> STATE_REDIS_WAIT_REPLICAS = key("gateway.state.redis.waitReplicas",
            intNumber(0, 16)).shown("1 in sentinel and cluster mode, else 0")
            .doc("replicas that must acknowledge a session commit (WAIT) before the client hears it succeeded, at "
                    + "most as many as are connected to the primary (none connected: the primary alone); fewer in "
                    + "time = 503; 0 = no WAIT");
    public static final ConfigKey<Long> STATE_REDIS_WAIT_TIMEOUT_MS = key("gateway.state.redis.waitTimeoutMs",
            wholeNumber(1, 10_000)).byDefault("500").unit("ms")
            .doc("longest a session commit waits for those replicas");
    public static final ConfigKey<Integer> STATE_MAX_SESSIONS = key("gateway.state.maxSessions",
            intNumber(1, Integer.MAX_VALUE)).byDefault("10000").doc("sessions kept in memory (LRU beyond)");
    public static final ConfigKey<Long> STATE_IDLE_TTL_MS = key("gateway.state.idleTtlMs", wholeNumber(1, Long.MAX_VALUE))
            .byDefault("86400000").unit("ms").doc("a session unused this long is forgotten");
    public static final ConfigKey<Integer> STATE_MAX_TRANSCRIPT_MESSAGES = key("gateway.state.maxTranscriptMessages",
            intNumber(2, Integer.MAX_VALUE)).byDefault("1000")
            .doc("messages kept per session; oldest turns dropped whole beyond it");
    public static final ConfigKey<Long> STATE_MAX_TRANSCRIPT_BYTES = key("gateway.state.maxTranscriptBytes",
            wholeNumber(1024, Integer.MAX_VALUE - 8)).byDefault("1048576").unit("bytes")
            .doc("stored bytes kept per session; oldest turns dropped whole beyond it; a turn whose new messages alone exceed it is refused with 413 turn_too_large");
    public static final ConfigKey<Long> STATE_MAX_MEMORY_BYTES = key("gateway.state.maxMemoryBytes",
            wholeNumber(1024, Long.MAX_VALUE)).byDefault("67108864").unit("bytes")
            .doc("stored bytes of all sessions of the memory store, least recently used dropped beyond it; at least maxTranscriptBytes");
    public static final ConfigKey<Integer> STATE_MAX_QUEUED_TURNS = key("gateway.state.maxQueuedTurns",
            intNumber(0, 1_000_000)).byDefault("32")
            .doc("turns that may wait behind the running one on one session; one more gets 429 session_busy");
    public static final ConfigKey<Integer> MAX_MODEL_CHARS = key("gateway.http.maxModelChars",
            intNumber(16, 4096)).byDefault("256").unit("chars")
            .doc("longest `model` string; longer is 400 with param model");
    public static final ConfigKey<Integer> MAX_USER_CHARS = key("gateway.http.maxUserChars",
            intNumber(1, 512)).byDefault("512").unit("chars")
            .doc("longest `user` string (a session key); longer is 400 with param user");
    public static final ConfigKey<Integer> MAX_HEADER_CHARS = key("gateway.http.maxHeaderChars",
            intNumber(1, 512)).byDefault("512").unit("chars")
            .doc("longest x-openclaw-session-key or x-openclaw-agent-id value; longer is 400 with param the header name");
    public static final ConfigKey<Integer> MAX_MESSAGES = key("gateway.http.maxMessages",
            intNumber(1, 1_000_000)).byDefault("2000").unit("messages")
            .doc("most entries in `messages`; more is 400 with param messages");
    public static final ConfigKey<Integer> MAX_CONTENT_PARTS = key("gateway.http.maxContentParts",
            intNumber(1, 1_000_000)).byDefault("256").unit("parts")
            .doc("most content parts in one message; more is 400 with param messages");
    public static final ConfigKey<Long> MAX_PASS_THROUGH_BYTES = key("gateway.http.maxPassThroughBytes",
            wholeNumber(1024, Integer.MAX_VALUE - 8)).byDefault("1048576").unit("bytes")
            .doc("JSON size of all top-level fields passed to the upstream as sent (tools, sampling, extensions); more is 400 naming the field that crossed it");
    public static final ConfigKey<Integer> MAX_CHOICES = key("gateway.http.maxChoices", intNumber(1, 128))
            .byDefault("8").unit("choices").doc("largest `n` (choices per request); larger is 400 with param n");
    public static final ConfigKey<UserField> SESSIONS_USER_FIELD = key("gateway.sessions.userField",
            choice(UserField.class)).byDefault("session")
            .doc("session | ignore: whether the request's user field names a session");
    public static final ConfigKey<List<String>> SESSIONS_KEY_HEADERS = key("gateway.sessions.keyHeaders", list())
            .byDefault("").doc("comma-separated request headers (at most 8) whose value names the session, e.g. "
                    + "x-openwebui-chat-id; after x-openclaw-session-key, before user");
    public static final ConfigKey<Boolean> METRICS_ENABLED = key("gateway.metrics.enabled", bool())
            .byDefault("false").doc("serve Prometheus /metrics");
    public static final ConfigKey<Boolean> METRICS_AUTH = key("gateway.metrics.auth", bool())
            .byDefault("true").doc("/metrics needs the bearer secret");
    public static final ConfigKey<GatewayConfig.AccessLogFormat> ACCESS_LOG_FORMAT = key("gateway.accessLog.format",
            choice(GatewayConfig.AccessLogFormat.class)).byDefault("logfmt")
            .doc("access log lines (logger dev.clawgate.access): logfmt | json");
    public static final ConfigKey<Boolean> TRACING_GENERATE = key("gateway.tracing.generate", bool())
            .byDefault("false").doc("start a W3C trace (random trace id, flags 01) for a request without a valid "
                    + "traceparent: sent upstream, logged as trace_id");
    public static final ConfigKey<Boolean> MCP_ALLOW_STDIO = key("gateway.mcp.allowStdio", bool()).byDefault("false").doc("permit stdio MCP servers (mcp.servers.<name>.command): a process inside the app server");

    // --- agents.* ------------------------------------------------------------------------------------------------
    public static final ConfigKey<String> DEFAULT_AGENT = key("agents.defaultAgent", text())
            .byDefault("main").doc("the agent of model openclaw / openclaw/default");
    public static final ConfigKey<String> AGENT_MODEL = key("agents.<id>.model", text())
            .shown("required").doc("<provider>/<model>, e.g. ollama/llama3.2 or echo/echo");
    public static final ConfigKey<String> AGENT_SYSTEM_PROMPT = key("agents.<id>.systemPrompt", text())
            .shown("none").doc("the agent's own instructions");
    public static final ConfigKey<Integer> AGENT_MAX_HISTORY = key("agents.<id>.maxHistoryMessages",
            intNumber(0, 100_000)).byDefault("50").unit("messages").doc("transcript messages sent upstream");
    public static final ConfigKey<List<String>> AGENT_FALLBACKS = key("agents.<id>.fallbacks", list()).byDefault("")
            .doc("comma-separated <provider>/<model> (at most 8) tried in order when the model fails before answering");
    public static final ConfigKey<List<String>> AGENT_ALLOWED_MODELS = key("agents.<id>.allowedModels", list())
            .byDefault("")
            .doc("comma-separated <provider>/<model> or <provider>/* (at most 64) that x-openclaw-model may pick");
    public static final ConfigKey<Reasoning> AGENT_REASONING = key("agents.<id>.reasoning", choice(Reasoning.class))
            .byDefault("pass").doc("pass | drop: relay the model's reasoning as reasoning_content, or not");
    public static final ConfigKey<String> AGENT_EMBEDDING_MODEL = key("agents.<id>.embeddingModel", text())
            .shown("none").doc("<provider>/<model> that answers /v1/embeddings for this agent, e.g. echo/echo");
    public static final ConfigKey<List<String>> AGENT_MCP_SERVERS = key("agents.<id>.mcpServers", list())
            .byDefault("").doc("comma-separated MCP server names whose tools the agent may call");
    public static final ConfigKey<List<String>> AGENT_TOOLS = key("agents.<id>.tools", list())
            .shown("all tools of the listed servers").doc("comma-separated allowlist of <server>/<tool> or <server>/*");
    public static final ConfigKey<Integer> AGENT_MAX_TOOL_ROUNDS = key("agents.<id>.maxToolRounds",
            intNumber(1, 100)).byDefault("8").unit("rounds")
            .doc("model calls that may run server tools in one request; then one more without tools");
    public static final ConfigKey<ToolProgress> AGENT_TOOL_PROGRESS = key("agents.<id>.toolProgress",
            choice(ToolProgress.class)).byDefault("none").doc("none | reasoning (a stream announces each server tool call in delta.reasoning_content)");

    // --- models.providers.* ---------------------------------------------------------------------------------------
    public static final ConfigKey<URI> PROVIDER_BASE_URL = key("models.providers.<name>.baseUrl", httpUrl())
            .shown("required").doc("OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1 (not for echo)");
    public static final ConfigKey<Secret> PROVIDER_API_KEY = key("models.providers.<name>.apiKey", ValueType.secret())
            .shown("none").doc("upstream bearer token, e.g. ${env:OPENAI_API_KEY}");
    public static final ConfigKey<String> PROVIDER_API = key("models.providers.<name>.api", text())
            .byDefault("openai-completions").doc("the upstream protocol (only openai-completions)");
    public static final ConfigKey<Long> PROVIDER_TIMEOUT_MS = key("models.providers.<name>.timeoutMs",
            wholeNumber(1, Long.MAX_VALUE)).byDefault("120000").unit("ms")
            .doc("longest the upstream may stay silent (before its first byte, or between two); then 504");
    public static final ConfigKey<List<String>> PROVIDER_DROP_FIELDS = key("models.providers.<name>.dropFields",
            list()).byDefault("").doc("comma-separated top-level request fields never sent to this upstream, e.g. top_k,min_p for OpenAI's API");
    public static final ConfigKey<GatewayConfig.Streaming> PROVIDER_STREAMING = key(
            "models.providers.<name>.streaming", choice(GatewayConfig.Streaming.class)).byDefault("always")
            .doc("always (every call streamed; timeoutMs bounds each silence) | as-client (a client that does not stream gets a non-streamed call, far cheaper; timeoutMs then bounds the whole answer)");
    public static final ConfigKey<Integer> PROVIDER_MAX_RETRIES = key("models.providers.<name>.maxRetries",
            intNumber(0, 10)).byDefault("0").doc("retries of a call that failed before answering, before a fallback");
    public static final ConfigKey<Long> PROVIDER_RETRY_MAX_WAIT_MS = key("models.providers.<name>.retryMaxWaitMs",
            wholeNumber(0, 600_000)).byDefault("2000").unit("ms")
            .doc("longest wait before a retry; a longer Retry-After skips the retry");
    public static final ConfigKey<Long> PROVIDER_WORD_DELAY_MS = key("models.providers.<name>.wordDelayMs",
            wholeNumber(0, 3_600_000)).byDefault("0").unit("ms")
            .doc("built-in echo only: pause before each streamed word (load tests)");

    // --- mcp.servers.*: tools the gateway runs for agents ----------------------------------------------------------
    public static final ConfigKey<URI> MCP_URL = key("mcp.servers.<name>.url", httpUrl())
            .shown("required").doc("an MCP server's Streamable HTTP URL (or its SSE URL if it only speaks the older HTTP+SSE transport)");
    public static final ConfigKey<Secret> MCP_HEADER = key("mcp.servers.<name>.headers.<Header>", ValueType.secret())
            .shown("none").doc("a header sent to that server, e.g. Authorization = Bearer ${env:TICKETS_TOKEN}; never logged");
    public static final ConfigKey<Long> MCP_TIMEOUT_MS = key("mcp.servers.<name>.timeoutMs",
            wholeNumber(1, 3_600_000)).byDefault("30000").unit("ms").doc("bound on connecting, listing tools and each tool call");
    public static final ConfigKey<String> MCP_COMMAND = key("mcp.servers.<name>.command", text()).doc(
            "a stdio server's program and arguments (split on spaces, no shell), run as a child process of the app server; only with gateway.mcp.allowStdio=true");

    private final String name;
    private final Pattern pattern;
    private final ValueType<T> type;
    private final String defaultValue;
    private final String shownDefault;
    private final String unit;
    private final String env;
    private final boolean secret;
    private final String doc;

    private ConfigKey(ConfigKeyBuilder<T> b, String doc) {
        this.name = b.name;
        this.pattern = pattern(b.name);
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.unit = b.unit;
        this.env = b.env;
        this.secret = b.type.isSecret();
        this.shownDefault = b.shown != null ? b.shown : b.env != null ? "env " + b.env
                : b.defaultValue == null ? "unset" : b.defaultValue.isEmpty() ? "empty" : b.defaultValue;
        this.doc = doc;
    }

    /** The name as a regular expression: each placeholder matches one segment, as group 1. */
    private static Pattern pattern(String name) {
        Matcher m = PLACEHOLDER.matcher(name);
        StringBuilder re = new StringBuilder();
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(name.substring(last, m.start())))
                    .append(m.group().equals(DOTTED_PLACEHOLDER) ? "(.+)" : "([^.]+)");
            last = m.end();
        }
        return Pattern.compile(re.append(Pattern.quote(name.substring(last))).toString());
    }

    private static <T> ConfigKeyBuilder<T> key(String name, ValueType<T> type) {
        return new ConfigKeyBuilder<>(name, type);
    }

    /** Finishes a descriptor and adds it to {@link #all()}. */
    static <T> ConfigKey<T> register(ConfigKeyBuilder<T> b, String doc) {
        ConfigKey<T> key = new ConfigKey<>(b, doc);
        ALL.add(key);
        return key;
    }

    /** Every key, in documentation order. */
    public static List<ConfigKey<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The descriptor {@code key} is an instance of ({@code agents.main.model} is one of {@code agents.<id>.model}). */
    public static Optional<ConfigKey<?>> find(String key) {
        for (ConfigKey<?> k : ALL) {
            if (k.matches(key)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The name, with its placeholder if it has one: {@code gateway.http.maxBodyBytes}, {@code agents.<id>.model}. */
    public String name() {
        return name;
    }

    /** Whether {@code key} is this key, or an instance of it when the name has a placeholder. */
    public boolean matches(String key) {
        return pattern.matcher(key).matches();
    }

    /** What a placeholder stands for in {@code key} ({@code main} in {@code agents.main.model}), or null. */
    public String placeholderIn(String key) {
        Matcher m = pattern.matcher(key);
        return m.matches() && m.groupCount() > 0 ? m.group(1) : null;
    }

    /** The concrete name for {@code id}: {@code agents.<id>.model} for {@code main} is {@code agents.main.model}. */
    public String nameFor(String id) {
        return PLACEHOLDER.matcher(name).replaceFirst(Matcher.quoteReplacement(id));
    }

    /** The last segment: {@code model} for {@code agents.<id>.model}. */
    public String field() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    public ValueType<T> type() {
        return type;
    }

    /** The value used when the key is unset or blank (after the environment fallback), as text; null: none. */
    public String defaultValue() {
        return defaultValue;
    }

    /** The default as documentation shows it: the value, {@code empty}, {@code unset}, {@code env NAME}, ... */
    public String shownDefault() {
        return shownDefault;
    }

    /** Unit of the value ({@code ms}, {@code bytes}, ...), or null. */
    public String unit() {
        return unit;
    }

    /** Least value of a number key, or null. */
    public Long min() {
        return type instanceof ValueType.Bounded b ? b.min() : null;
    }

    /** Greatest value of a number key, or null. */
    public Long max() {
        return type instanceof ValueType.Bounded b ? b.max() : null;
    }

    /** Environment variable read when the key is unset, or null. */
    public String env() {
        return env;
    }

    /** Whether the value is a secret: never logged, never quoted in an error. */
    public boolean secret() {
        return secret;
    }

    /** One line for operators. */
    public String doc() {
        return doc;
    }

    /**
     * Parses the value of this key (or of the instance {@code concreteKey}): blank is unset, then the environment
     * variable, then the default; null when all are missing.
     *
     * @throws ConfigException naming {@code concreteKey} when the value cannot be used
     */
    public T parse(String concreteKey, String value, Function<String, String> environment) {
        String v = value == null || value.isBlank() ? null : value;
        if (v == null && env != null) {
            String fromEnv = environment.apply(env);
            v = fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
        }
        if (v == null) {
            v = defaultValue;
        }
        return v == null ? null : type.parse(concreteKey, v);
    }

    @Override
    public String toString() {
        return name;
    }
}
