package dev.clawgate.config;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who besides the operator may call the gateway, parsed once at start-up: client API keys
 * ({@code gateway.auth.keys.<name>.*}, more in {@link #keysFile} which is re-read while the gateway runs), SSO users
 * named by a trusted proxy ({@code gateway.auth.trustedProxy.*}, {@code gateway.auth.users.<user>.*}).
 *
 * @param keys           declared keys by name
 * @param keysFile       {@link ConfigKey#KEYS_FILE}, or null
 * @param keysFilePollMs {@link ConfigKey#KEYS_FILE_POLL_MS}
 * @param trustedProxy   the header rules of mode trusted-proxy
 * @param users          declared SSO users by name
 */
public record Access(Map<String, ClientPolicy> keys, Path keysFile, long keysFilePollMs, TrustedProxy trustedProxy,
                     Map<String, ClientPolicy> users) {
    /** No keys, no users, trusted-proxy defaults. */
    public static final Access NONE = new Access(Map.of(), null, 2000,
            new TrustedProxy("X-Forwarded-User", List.of(), List.of(), List.of("*")), Map.of());

    public Access {
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
    }

    /**
     * The policy of one key or SSO user.
     *
     * @param name              the key's name ({@code [a-z0-9][a-z0-9_-]{0,63}}) or the user
     * @param sha256            lower-case hex SHA-256 of the key; null for a user. Never printed
     * @param agents            agent ids it may use; {@code ["*"]} for every agent
     * @param requestsPerMinute request limit, 0 = none
     * @param tokensPerMinute   token quota per calendar minute, 0 = none
     * @param tokensPerDay      token quota per UTC day, 0 = none
     * @param expiresAt         refused from this instant on; null = never
     * @param enabled           false refuses it
     */
    public record ClientPolicy(String name, Secret sha256, List<String> agents, long requestsPerMinute,
                               long tokensPerMinute, long tokensPerDay, Instant expiresAt, boolean enabled) {
        public ClientPolicy {
            agents = List.copyOf(agents);
        }

        /** Whether it may use every agent. */
        public boolean allAgents() {
            return agents.contains("*");
        }

        /** Whether it is usable at {@code now}: enabled and not expired. */
        public boolean validAt(Instant now) {
            return enabled && (expiresAt == null || now.isBefore(expiresAt));
        }

        @Override
        public String toString() {
            return "ClientPolicy[" + name + ", agents=" + agents + "]";
        }
    }

    /**
     * Mode trusted-proxy: {@link ConfigKey#TRUSTED_PROXY_USER_HEADER}, {@link ConfigKey#TRUSTED_PROXY_REQUIRED_HEADERS},
     * {@link ConfigKey#TRUSTED_PROXY_ALLOW_USERS} (empty = any), {@link ConfigKey#TRUSTED_PROXY_DEFAULT_AGENTS}.
     */
    public record TrustedProxy(String userHeader, List<String> requiredHeaders, List<String> allowUsers,
                               List<String> defaultAgents) {
        public TrustedProxy {
            requiredHeaders = List.copyOf(requiredHeaders);
            allowUsers = List.copyOf(allowUsers);
            defaultAgents = List.copyOf(defaultAgents);
        }
    }
}
