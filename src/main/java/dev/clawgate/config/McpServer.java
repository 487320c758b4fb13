package dev.clawgate.config;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One MCP server: {@code mcp.servers.<name>.*}. It has exactly one of {@code url} and {@code command}.
 *
 * @param name      {@code [A-Za-z0-9][A-Za-z0-9_-]{0,31}}; the prefix of its tools' function names
 * @param url       {@link ConfigKey#MCP_URL}; null for a stdio server
 * @param headers   {@link ConfigKey#MCP_HEADER}, by header name, at most 32; masked
 * @param timeoutMs {@link ConfigKey#MCP_TIMEOUT_MS}
 * @param command   {@link ConfigKey#MCP_COMMAND} split on white space (no shell); empty for an HTTP server
 */
public record McpServer(String name, URI url, Map<String, Secret> headers, long timeoutMs, List<String> command) {
    /** Most headers per server. */
    public static final int MAX_HEADERS = 32;

    public McpServer {
        headers = Map.copyOf(headers);
        command = List.copyOf(command);
    }

    /** True for a server run as a child process over stdio. */
    public boolean stdio() {
        return url == null;
    }

    /** Shows the URL without its query and the header names, never a header value or the arguments. */
    @Override
    public String toString() {
        return "McpServer[name=" + name + ", url=" + (url == null ? "-" : url.getScheme() + "://"
                + url.getRawAuthority() + url.getRawPath()) + ", headers=" + new java.util.TreeSet<>(headers.keySet())
                + ", timeoutMs=" + timeoutMs + ", command=" + (command.isEmpty() ? "-" : command.get(0)) + "]";
    }
}
