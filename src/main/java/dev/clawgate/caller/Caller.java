package dev.clawgate.caller;

import java.util.Set;

/**
 * Who is asking, as the auth filter resolved it and put it on the request ({@link #ATTRIBUTE}): the operator (the
 * gateway secret, full access), a client API key ({@code gateway.auth.keys.<name>.*} or the keys file) or an SSO user
 * named by a trusted proxy ({@code gateway.auth.mode=trusted-proxy}). It carries the caller's policy: the agents it may
 * use and its limits. It holds no secret and no digest, so it may be logged.
 *
 * @param kind              operator, key or user
 * @param name              {@code operator}, the key's name, or the SSO user
 * @param label             the metrics label value: the name when declared in configuration (or the keys file),
 *                          {@code other} for an SSO user without {@code gateway.auth.users.<user>.*}, so label
 *                          cardinality stays bounded by the configuration
 * @param agents            the agent ids it may use; null: every agent
 * @param requestsPerMinute its own request limit (a bucket of this capacity refilled per minute), 0 = none
 * @param tokensPerMinute   token quota per calendar minute, 0 = none
 * @param tokensPerDay      token quota per UTC day, 0 = none
 */
public record Caller(Kind kind, String name, String label, Set<String> agents, long requestsPerMinute,
                     long tokensPerMinute, long tokensPerDay) {
    /** Request attribute holding the {@link Caller} of a request that passed auth. */
    public static final String ATTRIBUTE = Caller.class.getName();
    /** The label of callers that are not declared. */
    public static final String OTHER = "other";
    /** The holder of the gateway secret (or anyone in auth mode none): every agent, no limits of its own. */
    public static final Caller OPERATOR = new Caller(Kind.OPERATOR, "operator", "operator", null, 0, 0, 0);

    /** What kind of identity a caller has. */
    public enum Kind { OPERATOR, KEY, USER }

    public Caller {
        agents = agents == null ? null : Set.copyOf(agents);
    }

    /** The caller of a request: its {@link #ATTRIBUTE}, or the operator when auth did not set one. */
    public static Caller of(Object attribute) {
        return attribute instanceof Caller c ? c : OPERATOR;
    }

    /** Whether the caller may use agent {@code agentId} (lower case). */
    public boolean allows(String agentId) {
        return agents == null || agents.contains(agentId);
    }

    /** A stable id for limits and quotas: {@code operator}, {@code key:<name>} or {@code user:<name>}. */
    public String id() {
        return switch (kind) {
            case OPERATOR -> "operator";
            case KEY -> "key:" + name;
            case USER -> "user:" + name;
        };
    }

    /**
     * The prefix that makes the caller's stored session keys its own: null for the operator (its keys are stored as
     * given, as before keys existed), else {@code caller:<kind>:<length of name>:<name>:}. The length makes the
     * prefix unambiguous whatever the name holds, and header session keys starting with {@code caller:} are refused,
     * so no caller can name another's transcript.
     */
    public String sessionNamespace() {
        return kind == Kind.OPERATOR ? null
                : "caller:" + (kind == Kind.KEY ? "key" : "user") + ":" + name.length() + ":" + name + ":";
    }

    /** Whether the caller has a request limit of its own. */
    public boolean limitsRequests() {
        return requestsPerMinute > 0;
    }

    /** Whether the caller has a token quota. */
    public boolean limitsTokens() {
        return tokensPerMinute > 0 || tokensPerDay > 0;
    }
}
