package dev.clawgate.auth;

import dev.clawgate.caller.Caller;
import dev.clawgate.config.Access;
import dev.clawgate.config.Access.ClientPolicy;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The callers the gateway knows besides the operator: client API keys by the SHA-256 of the key (the declared ones,
 * replaced whole when the keys file changes, {@link #replaceKeys}) and SSO users by name. A lookup is one map read
 * on an immutable snapshot, so a reload never blocks a request. A key that is disabled or past its
 * {@code expiresAt} (on the injected clock) is unknown. The key itself is never held: only its digest, which is
 * never logged.
 *
 * <p>Digest lookup is a hash-map read, not a constant-time compare: what it can leak is the timing of a digest of an
 * unknown key, which tells nothing about a key's value.
 */
public final class CallerDirectory {
    private final Clock clock;
    private final List<String> defaultAgents;
    private final Map<String, Entry> users;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, Entry> keysByDigest;

    private record Entry(ClientPolicy policy, Caller caller) {
    }

    /** @param clock decides expiry ({@code expiresAt}) */
    public CallerDirectory(Access access, Clock clock) {
        this.clock = clock;
        this.defaultAgents = access.trustedProxy().defaultAgents();
        Map<String, Entry> u = new HashMap<>();
        access.users().values().forEach(p -> u.put(p.name(), new Entry(p, caller(Caller.Kind.USER, p.name(), p))));
        this.users = u;
        this.keysByDigest = index(access.keys());
    }

    /** The key caller whose key has the SHA-256 {@code digestHex} (lower case), or null when none is valid now. */
    public Caller forKeyDigest(String digestHex) {
        Entry e = keysByDigest.get(digestHex);
        return e == null || !e.policy.validAt(clock.instant()) ? null : e.caller;
    }

    /**
     * The caller of SSO user {@code user}: the declared one ({@code gateway.auth.users.<user>.*}), or one with the
     * default agents, no limits and the label {@code other}; null when the declared user is disabled or expired.
     */
    public Caller forUser(String user) {
        Entry e = users.get(user);
        if (e == null) {
            return new Caller(Caller.Kind.USER, user, Caller.OTHER, agents(defaultAgents), 0, 0, 0);
        }
        return e.policy.validAt(clock.instant()) ? e.caller : null;
    }

    /** Replaces every key with {@code keys} (declared and file keys merged), then tells the listeners. */
    public void replaceKeys(Map<String, ClientPolicy> keys) {
        keysByDigest = index(keys);
        listeners.forEach(Runnable::run);
    }

    /** How many keys are known now (valid or not). */
    public int keyCount() {
        return keysByDigest.size();
    }

    /** Runs {@code listener} after every {@link #replaceKeys} (tests wait on it instead of sleeping). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private static Map<String, Entry> index(Map<String, ClientPolicy> keys) {
        Map<String, Entry> out = new HashMap<>();
        keys.values().forEach(p -> out.put(p.sha256().reveal(), new Entry(p, caller(Caller.Kind.KEY, p.name(), p))));
        return Map.copyOf(out);
    }

    private static Caller caller(Caller.Kind kind, String name, ClientPolicy p) {
        return new Caller(kind, name, name, agents(p.agents()), p.requestsPerMinute(), p.tokensPerMinute(),
                p.tokensPerDay());
    }

    /** Null (every agent) for a list holding {@code *}, else the set. */
    private static Set<String> agents(List<String> list) {
        return list.contains("*") ? null : new LinkedHashSet<>(list);
    }
}
