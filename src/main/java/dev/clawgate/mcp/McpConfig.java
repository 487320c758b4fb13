package dev.clawgate.mcp;

import dev.clawgate.config.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The MCP servers the gateway connects to, parsed from flat keys (already merged from every source, with
 * {@code ${env:NAME}} resolved):
 *
 * <dl>
 * <dt>mcp.servers.&lt;name&gt;.url</dt><dd>the server's Streamable HTTP (or legacy HTTP+SSE) URL</dd>
 * <dt>mcp.servers.&lt;name&gt;.headers.&lt;Header&gt;</dt><dd>a request header, e.g. {@code Authorization}; the value is
 *     a secret [none]</dd>
 * <dt>mcp.servers.&lt;name&gt;.timeoutMs</dt><dd>connect/list/call bound, 1..3600000 ms [30000]</dd>
 * <dt>mcp.servers.&lt;name&gt;.command</dt><dd>a stdio server's program and arguments, split on white space; runs a
 *     process inside the app server, so only with {@code gateway.mcp.allowStdio=true} [unset]</dd>
 * <dt>gateway.mcp.allowStdio</dt><dd>permit stdio servers [false]</dd>
 * </dl>
 *
 * A server has exactly one of {@code url} and {@code command}; at most {@value #MAX_SERVERS} servers and
 * {@value #MAX_HEADERS} headers per server. Every problem is a {@link ConfigException} naming the key, never
 * quoting a header value.
 *
 * @param allowStdio {@code gateway.mcp.allowStdio}
 * @param servers    by name, in name order
 */
public record McpConfig(boolean allowStdio, Map<String, McpServerConfig> servers) {
    public static final String PREFIX = "mcp.servers.";
    public static final String ALLOW_STDIO = "gateway.mcp.allowStdio";
    public static final int MAX_SERVERS = 32;
    public static final int MAX_HEADERS = 32;
    public static final long MAX_TIMEOUT_MS = 3_600_000;
    /** Server names; they prefix function names, so they stay short and in OpenAI's function-name alphabet. */
    public static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the MCP transport sets itself. */
    private static final Set<String> TRANSPORT_HEADERS = Set.of("accept", "content-type", "cache-control",
            "mcp-session-id", "mcp-protocol-version", "last-event-id");

    public McpConfig {
        servers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(servers));
    }

    /** No servers. */
    public static McpConfig none() {
        return new McpConfig(false, Map.of());
    }

    /** Parses the {@code mcp.servers.*} keys and {@code gateway.mcp.allowStdio} of {@code flat}; other keys are ignored. */
    public static McpConfig parse(Map<String, String> flat) {
        boolean allowStdio = parseBoolean(ALLOW_STDIO, flat.getOrDefault(ALLOW_STDIO, "false"));
        Map<String, Map<String, String>> byServer = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(flat).entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                throw new ConfigException(key, "expected mcp.servers.<name>.<field>");
            }
            String name = rest.substring(0, dot);
            if (!SERVER_NAME.matcher(name).matches()) {
                throw new ConfigException(key, "server name must match " + SERVER_NAME.pattern());
            }
            byServer.computeIfAbsent(name, n -> new TreeMap<>()).put(rest.substring(dot + 1), e.getValue());
        }
        if (byServer.size() > MAX_SERVERS) {
            throw new ConfigException(PREFIX + "*", "at most " + MAX_SERVERS + " MCP servers, got " + byServer.size());
        }
        Map<String, McpServerConfig> servers = new LinkedHashMap<>();
        byServer.forEach((name, fields) -> servers.put(name, server(name, fields, allowStdio)));
        return new McpConfig(allowStdio, servers);
    }

    private static McpServerConfig server(String name, Map<String, String> fields, boolean allowStdio) {
        String base = PREFIX + name + ".";
        URI url = null;
        List<String> command = List.of();
        long timeoutMs = McpServerConfig.DEFAULT_TIMEOUT_MS;
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String field = f.getKey();
            String key = base + field;
            String value = f.getValue() == null ? "" : f.getValue().trim();
            if (field.startsWith("headers.")) {
                String header = field.substring("headers.".length());
                checkHeader(key, header, f.getValue());
                if (headers.size() == MAX_HEADERS) {
                    throw new ConfigException(key, "at most " + MAX_HEADERS + " headers per server");
                }
                headers.put(header, f.getValue());
                continue;
            }
            switch (field) {
                case "url" -> url = parseUrl(key, value);
                case "timeoutMs" -> timeoutMs = parseTimeout(key, value);
                case "command" -> {
                    if (!allowStdio) {
                        throw new ConfigException(key, "a stdio MCP server runs a process inside the app server; "
                                + "set " + ALLOW_STDIO + "=true to allow it");
                    }
                    if (value.isEmpty()) {
                        throw new ConfigException(key, "must name a program");
                    }
                    command = new ArrayList<>(Arrays.asList(value.split("\\s+")));
                }
                default -> throw new ConfigException(key,
                        "unknown field; expected url, headers.<Header>, timeoutMs or command");
            }
        }
        if (url == null && command.isEmpty()) {
            throw new ConfigException(base + "url", "required (or " + base + "command for a stdio server)");
        }
        if (url != null && !command.isEmpty()) {
            throw new ConfigException(base + "command", "a server has either a url or a command, not both");
        }
        if (url == null && !headers.isEmpty()) {
            throw new ConfigException(base + "headers", "headers apply to an HTTP server (url) only");
        }
        return new McpServerConfig(name, url, headers, timeoutMs, command);
    }

    private static URI parseUrl(String key, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ConfigException(key, "must be an absolute http:// or https:// URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ConfigException(key, "must not carry credentials; use mcp.servers.<name>.headers.Authorization");
        }
        if (uri.getRawFragment() != null) {
            throw new ConfigException(key, "must not have a #fragment");
        }
        return uri;
    }

    private static long parseTimeout(String key, String value) {
        try {
            long ms = Long.parseLong(value);
            if (ms >= 1 && ms <= MAX_TIMEOUT_MS) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key, "must be a whole number of milliseconds from 1 to " + MAX_TIMEOUT_MS);
    }

    private static void checkHeader(String key, String header, String value) {
        if (!TOKEN.matcher(header).matches()) {
            throw new ConfigException(key, "not a valid HTTP header name");
        }
        if (TRANSPORT_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
            throw new ConfigException(key, "set by the MCP transport itself");
        }
        if (value == null || value.isEmpty() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new ConfigException(key, "the value must be non-empty and on one line");
        }
        try {
            HttpRequest.newBuilder().header(header, "x");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "a header the HTTP client sets itself (restricted)");
        }
    }

    private static boolean parseBoolean(String key, String value) {
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, "must be true or false");
        };
    }
}
