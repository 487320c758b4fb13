package dev.clawgate.mcp;

import dev.clawgate.config.ConfigException;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which server tools one agent may use: the servers of {@code agents.<id>.mcpServers}, narrowed by the entries of
 * {@code agents.<id>.tools} — {@code <server>/<tool>} (one tool) or {@code <server>/*} (every tool of that server).
 * With no entries, every tool of the listed servers is allowed. An entry's server must be one of the listed servers.
 *
 * <p>Tools outside the allowlist are never offered to the model, and a call to one is answered with an error
 * result, not sent to the server.
 */
public final class ToolAllowlist {
    private static final ToolAllowlist NONE = new ToolAllowlist(Set.of(), Set.of(), Set.of());

    private final Set<String> servers;
    private final Set<String> wholeServers;
    private final Set<String> tools;

    private ToolAllowlist(Set<String> servers, Set<String> wholeServers, Set<String> tools) {
        this.servers = servers;
        this.wholeServers = wholeServers;
        this.tools = tools;
    }

    /** Allows nothing. */
    public static ToolAllowlist none() {
        return NONE;
    }

    /** Every tool of {@code servers}. */
    public static ToolAllowlist allOf(Collection<String> servers) {
        Set<String> s = Set.copyOf(servers);
        return new ToolAllowlist(s, s, Set.of());
    }

    /**
     * Parses an agent's two keys.
     *
     * @param serversKey   the key naming the servers, e.g. {@code agents.main.mcpServers} (for errors)
     * @param serversValue comma list of server names (null or blank: none)
     * @param toolsKey     the key of the allowlist, e.g. {@code agents.main.tools} (for errors)
     * @param toolsValue   comma list of {@code <server>/<tool>} or {@code <server>/*} (null or blank: all tools of
     *                     the listed servers)
     * @param configured   the names of the configured MCP servers
     * @throws ConfigException naming the key of a server that is not configured or an entry that is malformed
     */
    public static ToolAllowlist parse(String serversKey, String serversValue, String toolsKey, String toolsValue,
                                      Set<String> configured) {
        Set<String> servers = new LinkedHashSet<>();
        for (String name : split(serversValue)) {
            if (!configured.contains(name)) {
                throw new ConfigException(serversKey, "no MCP server named '" + name + "' (configure mcp.servers."
                        + name + ".url)");
            }
            servers.add(name);
        }
        if (split(toolsValue).length == 0) {
            return allOf(servers);
        }
        Set<String> whole = new LinkedHashSet<>();
        Set<String> tools = new LinkedHashSet<>();
        for (String entry : split(toolsValue)) {
            int slash = entry.indexOf('/');
            if (slash <= 0 || slash == entry.length() - 1) {
                throw new ConfigException(toolsKey, "entry '" + entry + "' must be <server>/<tool> or <server>/*");
            }
            String server = entry.substring(0, slash);
            if (!servers.contains(server)) {
                throw new ConfigException(toolsKey, "entry '" + entry + "' names server '" + server
                        + "', which is not in " + serversKey);
            }
            String tool = entry.substring(slash + 1);
            if (tool.equals("*")) {
                whole.add(server);
            } else {
                tools.add(server + "/" + tool);
            }
        }
        return new ToolAllowlist(Set.copyOf(servers), Set.copyOf(whole), Set.copyOf(tools));
    }

    /** True when the agent may call {@code tool} of {@code server}. */
    public boolean allows(String server, String tool) {
        return servers.contains(server) && (wholeServers.contains(server) || tools.contains(server + "/" + tool));
    }

    /** The servers this allowlist draws on. */
    public Set<String> servers() {
        return servers;
    }

    private static String[] split(String value) {
        if (value == null || value.isBlank()) {
            return new String[0];
        }
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    @Override
    public String toString() {
        return "ToolAllowlist[servers=" + servers + ", whole=" + wholeServers + ", tools=" + tools + "]";
    }
}
