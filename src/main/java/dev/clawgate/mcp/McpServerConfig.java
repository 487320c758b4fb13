package dev.clawgate.mcp;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One configured MCP server, from the keys {@code mcp.servers.<name>.*} (parsed by {@link McpConfig#parse}).
 *
 * @param name      the server's name: {@code [A-Za-z0-9][A-Za-z0-9_-]{0,31}}; the prefix of its tools' function names
 * @param url       {@code mcp.servers.<name>.url}: an absolute http(s) URL of the server's Streamable HTTP endpoint
 *                  (or, for a server that only speaks the older HTTP+SSE transport, of its SSE endpoint); null for a
 *                  stdio server
 * @param headers   {@code mcp.servers.<name>.headers.<Header>}: sent with every request to the server; the values are
 *                  secrets (never logged, never in an error or {@link #toString()})
 * @param timeoutMs {@code mcp.servers.<name>.timeoutMs}: bound on connecting, listing and each tool call, in
 *                  milliseconds [30000]
 * @param command   {@code mcp.servers.<name>.command}: a program and its arguments, split on white space (no shell,
 *                  no quoting), run as a child process of the app server; only with {@code gateway.mcp.allowStdio=true};
 *                  empty for an HTTP server
 */
public record McpServerConfig(String name, URI url, Map<String, String> headers, long timeoutMs, List<String> command) {
    /** Default of {@code mcp.servers.<name>.timeoutMs}. */
    public static final long DEFAULT_TIMEOUT_MS = 30_000;

    public McpServerConfig {
        headers = Map.copyOf(headers);
        command = List.copyOf(command);
    }

    /** True for a server run as a child process over stdio. */
    public boolean stdio() {
        return url == null;
    }

    /** Shows the header names only, never their values. */
    @Override
    public String toString() {
        return "McpServerConfig[name=" + name + ", url=" + (url == null ? "-" : url.getScheme() + "://"
                + url.getAuthority() + url.getPath()) + ", headers=" + headers.keySet() + ", timeoutMs=" + timeoutMs
                + ", command=" + (command.isEmpty() ? "-" : command.get(0)) + "]";
    }
}
