package dev.clawgate.config;

import dev.clawgate.config.Access.ClientPolicy;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the client keys and SSO users ({@link Access}) out of merged key/value pairs, through their descriptors:
 * {@code gateway.auth.keys.<name>.*} from the configuration and, the same way, from the keys file
 * ({@link KeysFile}). A key needs a name matching {@link #KEY_NAME}, a 64-character lower-case hex {@code sha256}
 * that no other key has, and {@code agents} naming configured agents (or {@code *}). Messages name the key and never
 * quote a digest.
 */
final class AccessParser {
    /** Key names: {@code [a-z0-9][a-z0-9_-]{0,63}}. */
    static final Pattern KEY_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    static final Pattern KEY_FIELD = Pattern.compile("gateway\\.auth\\.keys\\.([^.]+)\\.([A-Za-z0-9]+)");
    static final Pattern USER_FIELD = Pattern.compile("gateway\\.auth\\.users\\.(.+)\\.([A-Za-z0-9]+)");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final Function<String, String> env;
    private final Set<String> agentIds;

    /** @param agentIds the configured agents, which a key or user may name */
    AccessParser(Function<String, String> env, Set<String> agentIds) {
        this.env = env;
        this.agentIds = agentIds;
    }

    /** The keys of {@code values}, by name, in order. */
    Map<String, ClientPolicy> keys(Map<String, String> values) {
        Map<String, ClientPolicy> out = new LinkedHashMap<>();
        Map<String, String> digests = new HashMap<>();
        grouped(values, KEY_FIELD).forEach((name, fields) -> {
            String sha256Key = ConfigKey.KEY_SHA256.nameFor(name);
            if (!KEY_NAME.matcher(name).matches()) {
                throw new ConfigException(sha256Key, "key names must match " + KEY_NAME.pattern());
            }
            Secret sha256 = get(ConfigKey.KEY_SHA256, name, fields);
            if (sha256 == null || !SHA256_HEX.matcher(sha256.reveal()).matches()) {
                throw new ConfigException(sha256Key, "is required: the key's SHA-256 as 64 lower-case hex digits");
            }
            String other = digests.put(sha256.reveal(), name);
            if (other != null) {
                throw new ConfigException(sha256Key, "is the digest of key '" + other + "' too; keys must differ");
            }
            List<String> agents = agents(ConfigKey.KEY_AGENTS, name, fields, null);
            out.put(name, new ClientPolicy(name, sha256, agents, get(ConfigKey.KEY_RPM, name, fields),
                    get(ConfigKey.KEY_TPM, name, fields), get(ConfigKey.KEY_TPD, name, fields),
                    get(ConfigKey.KEY_EXPIRES_AT, name, fields), get(ConfigKey.KEY_ENABLED, name, fields)));
        });
        return out;
    }

    /** The SSO users of {@code values}, by name; a user without {@code agents} gets {@code defaultAgents}. */
    Map<String, ClientPolicy> users(Map<String, String> values, List<String> defaultAgents) {
        Map<String, ClientPolicy> out = new LinkedHashMap<>();
        grouped(values, USER_FIELD).forEach((name, fields) -> out.put(name, new ClientPolicy(name, null,
                agents(ConfigKey.USER_AGENTS, name, fields, defaultAgents), get(ConfigKey.USER_RPM, name, fields),
                get(ConfigKey.USER_TPM, name, fields), get(ConfigKey.USER_TPD, name, fields),
                get(ConfigKey.USER_EXPIRES_AT, name, fields), get(ConfigKey.USER_ENABLED, name, fields))));
        return out;
    }

    /** Checks a list of agents ({@code *} or configured ids) read from {@code key}. */
    List<String> checkAgents(String key, List<String> agents) {
        if (agents == null || agents.isEmpty()) {
            throw new ConfigException(key, "is required: comma-separated agent ids, or *");
        }
        for (String a : agents) {
            if (!a.equals("*") && !agentIds.contains(a)) {
                throw new ConfigException(key, "names agent '" + a + "', which is not configured (configured: "
                        + String.join(", ", agentIds) + ")");
            }
        }
        return agents;
    }

    private List<String> agents(ConfigKey<List<String>> key, String name, Map<String, String> fields,
                                List<String> fallback) {
        List<String> agents = get(key, name, fields);
        return checkAgents(key.nameFor(name), agents == null || agents.isEmpty() && fallback != null
                ? fallback : agents.stream().map(a -> a.toLowerCase(java.util.Locale.ROOT)).toList());
    }

    private <T> T get(ConfigKey<T> key, String name, Map<String, String> fields) {
        return key.parse(key.nameFor(name), fields.get(key.field()), env);
    }

    private static Map<String, Map<String, String>> grouped(Map<String, String> values, Pattern pattern) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            Matcher m = pattern.matcher(k);
            if (m.matches()) {
                out.computeIfAbsent(m.group(1), o -> new LinkedHashMap<>()).put(m.group(2), v);
            }
        });
        return out;
    }
}
