package dev.clawgate.config;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the MCP keys through their descriptors: {@code mcp.servers.<name>.*} into {@link McpServer} records, and
 * checks an agent's {@code mcpServers} and {@code tools} against them. The rules: a server name is
 * {@code [A-Za-z0-9][A-Za-z0-9_-]{0,31}} (it prefixes function names); a server has exactly one of {@code url} and
 * {@code command}; {@code command} only with {@code gateway.mcp.allowStdio=true}; a URL carries no credentials and no
 * fragment; a header is a valid name the transport does not set itself, with a one-line value; at most
 * {@value Mcp#MAX_SERVERS} servers and {@value McpServer#MAX_HEADERS} headers each. No error quotes a header value.
 */
final class McpKeys {
    /** Server names; they prefix function names, so they stay short and in OpenAI's function-name alphabet. */
    static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
    private static final Pattern SERVER_KEY = Pattern.compile("mcp\\.servers\\.([^.]+)\\.(.+)");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+^_`|~0-9A-Za-z-]+");
    private static final String HEADERS = "headers.";
    /** Headers the MCP transport sets itself. */
    private static final Set<String> TRANSPORT_HEADERS = Set.of("accept", "content-type", "cache-control",
            "mcp-session-id", "mcp-protocol-version", "last-event-id");

    private McpKeys() {
    }

    /** The servers of {@code values} (merged, interpolated keys of ours). */
    static Mcp parse(Map<String, String> values, Function<String, String> env) {
        boolean allowStdio = ConfigKey.MCP_ALLOW_STDIO.parse(ConfigKeys.MCP_ALLOW_STDIO,
                values.get(ConfigKeys.MCP_ALLOW_STDIO), env);
        Map<String, Map<String, String>> byServer = new TreeMap<>();
        values.forEach((key, value) -> {
            Matcher m = SERVER_KEY.matcher(key);
            if (m.matches()) {
                if (!SERVER_NAME.matcher(m.group(1)).matches()) {
                    throw new ConfigException(key, "server name must match " + SERVER_NAME.pattern());
                }
                byServer.computeIfAbsent(m.group(1), n -> new TreeMap<>()).put(m.group(2), value);
            }
        });
        if (byServer.size() > Mcp.MAX_SERVERS) {
            throw new ConfigException("mcp.servers.*", "at most " + Mcp.MAX_SERVERS + " MCP servers, not "
                    + byServer.size());
        }
        Map<String, McpServer> servers = new LinkedHashMap<>();
        byServer.forEach((name, fields) -> servers.put(name, server(name, fields, allowStdio, env)));
        return new Mcp(allowStdio, servers);
    }

    private static McpServer server(String name, Map<String, String> fields, boolean allowStdio,
                                    Function<String, String> env) {
        URI url = ConfigKey.MCP_URL.parse(ConfigKey.MCP_URL.nameFor(name), fields.get("url"), env);
        long timeoutMs = ConfigKey.MCP_TIMEOUT_MS.parse(ConfigKey.MCP_TIMEOUT_MS.nameFor(name),
                fields.get("timeoutMs"), env);
        String commandKey = ConfigKey.MCP_COMMAND.nameFor(name);
        String command = ConfigKey.MCP_COMMAND.parse(commandKey, fields.get("command"), env);
        Map<String, Secret> headers = new LinkedHashMap<>();
        fields.forEach((field, value) -> {
            if (field.startsWith(HEADERS)) {
                String key = "mcp.servers." + name + "." + field;
                String header = field.substring(HEADERS.length());
                checkHeader(key, header, value);
                if (headers.size() == McpServer.MAX_HEADERS) {
                    throw new ConfigException(key, "at most " + McpServer.MAX_HEADERS + " headers per server");
                }
                headers.put(header, ConfigKey.MCP_HEADER.parse(key, value, env));
            }
        });
        String base = "mcp.servers." + name + ".";
        if (url != null) {
            if (url.getRawUserInfo() != null) {
                throw new ConfigException(base + "url", "must not carry credentials; use " + base
                        + "headers.Authorization");
            }
            if (url.getRawFragment() != null) {
                throw new ConfigException(base + "url", "must not have a #fragment");
            }
        }
        if (command != null && !allowStdio) {
            throw new ConfigException(commandKey, "a stdio MCP server runs a process inside the app server; set "
                    + ConfigKeys.MCP_ALLOW_STDIO + "=true to allow it");
        }
        if (url == null && command == null) {
            throw new ConfigException(base + "url", "is required (or " + commandKey + " for a stdio server)");
        }
        if (url != null && command != null) {
            throw new ConfigException(commandKey, "a server has either a url or a command, not both");
        }
        if (url == null && !headers.isEmpty()) {
            throw new ConfigException(base + "headers", "headers apply to an HTTP server (url) only");
        }
        List<String> argv = command == null ? List.of() : Arrays.asList(command.trim().split("\\s+"));
        return new McpServer(name, url, headers, timeoutMs, argv);
    }

    private static void checkHeader(String key, String header, String value) {
        if (!TOKEN.matcher(header).matches()) {
            throw new ConfigException(key, "is not a valid HTTP header name");
        }
        if (TRANSPORT_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
            throw new ConfigException(key, "is set by the MCP transport itself");
        }
        if (value == null || value.isBlank() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new ConfigException(key, "the value must be non-empty and on one line");
        }
        try {
            HttpRequest.newBuilder().header(header, "x");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "is a header the HTTP client sets itself (restricted)");
        }
    }

    /**
     * Checks agent {@code id}'s server list and allowlist: every server configured, every entry
     * {@code <server>/<tool>} or {@code <server>/*} for a listed server.
     */
    static void checkAgent(String id, List<String> servers, List<String> tools, Mcp mcp) {
        String serversKey = ConfigKey.AGENT_MCP_SERVERS.nameFor(id);
        for (String server : servers) {
            if (!mcp.servers().containsKey(server)) {
                throw new ConfigException(serversKey, "no MCP server named '" + server + "' (configure mcp.servers."
                        + server + ".url)");
            }
        }
        String toolsKey = ConfigKey.AGENT_TOOLS.nameFor(id);
        for (String entry : tools) {
            int slash = entry.indexOf('/');
            if (slash <= 0 || slash == entry.length() - 1) {
                throw new ConfigException(toolsKey, "entry '" + entry + "' must be <server>/<tool> or <server>/*");
            }
            if (!servers.contains(entry.substring(0, slash))) {
                throw new ConfigException(toolsKey, "entry '" + entry + "' names server '" + entry.substring(0, slash)
                        + "', which is not in " + serversKey);
            }
        }
    }
}
