package dev.clawgate.mcp;

import dev.clawgate.config.ConfigLoader;
import dev.clawgate.config.Mcp;
import java.util.LinkedHashMap;
import java.util.Map;

/** The MCP part of a configuration read from keys the way the gateway reads them (tests). */
final class McpTestConfig {
    private McpTestConfig() {
    }

    static Mcp of(String... kv) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            keys.put(kv[i], kv[i + 1]);
        }
        return of(keys);
    }

    static Mcp of(Map<String, String> keys) {
        return new ConfigLoader(Map.of(), keys, name -> null).load().mcp();
    }
}
