package dev.clawgate.config;

import java.util.Map;

/**
 * The MCP servers ({@code mcp.servers.<name>.*}), at most {@value #MAX_SERVERS}.
 *
 * @param allowStdio {@link ConfigKey#MCP_ALLOW_STDIO}
 * @param servers    by name, in name order
 */
public record Mcp(boolean allowStdio, Map<String, McpServer> servers) {
    /** Most MCP servers. */
    public static final int MAX_SERVERS = 32;
    /** No servers. */
    public static final Mcp NONE = new Mcp(false, Map.of());

    public Mcp {
        servers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(servers));
    }
}
