package dev.clawgate.mcp;

import dev.clawgate.config.GatewayConfig.AgentSpec;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which server tools one agent may use: the servers of {@code agents.<id>.mcpServers}, narrowed by the entries of
 * {@code agents.<id>.tools} — {@code <server>/<tool>} (one tool) or {@code <server>/*} (every tool of that server).
 * With no entries, every tool of the listed servers is allowed. The configuration checks that every listed server is
 * configured and every entry names one of them ({@code config.McpKeys}).
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

    /** The allowlist of {@code agent}: its {@code mcpServers} narrowed by its {@code tools} (checked at load). */
    public static ToolAllowlist of(AgentSpec agent) {
        return of(agent.mcpServers(), agent.tools());
    }

    /**
     * @param servers server names (configured ones; the configuration checked them)
     * @param entries {@code <server>/<tool>} or {@code <server>/*} for servers among {@code servers}; empty: all
     *                tools of {@code servers}. An entry without a slash or for another server allows nothing.
     */
    public static ToolAllowlist of(Collection<String> servers, Collection<String> entries) {
        if (entries.isEmpty()) {
            return allOf(servers);
        }
        Set<String> whole = new LinkedHashSet<>();
        Set<String> tools = new LinkedHashSet<>();
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            if (slash <= 0 || !servers.contains(entry.substring(0, slash))) {
                continue;
            }
            if (entry.substring(slash + 1).equals("*")) {
                whole.add(entry.substring(0, slash));
            } else {
                tools.add(entry);
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

    @Override
    public String toString() {
        return "ToolAllowlist[servers=" + servers + ", whole=" + wholeServers + ", tools=" + tools + "]";
    }
}
