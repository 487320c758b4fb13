package dev.clawgate.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the cluster's Redis is and how it is written, from {@code gateway.state.redis.url},
 * {@code gateway.state.redis.mode}, {@code gateway.state.redis.waitReplicas} and
 * {@code gateway.state.redis.waitTimeoutMs}. The URL is one of (Lettuce's forms):
 * <ul>
 *   <li>{@code redis://[[username]:password@]host[:port][/database]} — one server ({@link Mode#STANDALONE}), or with
 *       {@code mode=cluster} a Redis Cluster, where the authority may list several seed nodes:
 *       {@code redis://[[username]:password@]host1:port1,host2:port2,...} (database 0 only);</li>
 *   <li>{@code redis-sentinel://[[username]:password@]host1[:port1],host2[:port2],...[/database]#masterName} —
 *       the Sentinels of a primary and its replicas ({@link Mode#SENTINEL}, implied by the scheme); a Sentinel's
 *       port defaults to 26379, the password is the Redis servers' (Sentinels are asked without one).</li>
 * </ul>
 * {@code rediss://} and {@code rediss-sentinel://} use TLS, peer verified. A server port defaults to 6379, the
 * database to 0; user info is percent-decoded, and user info without a colon is a password (as Redis clients read
 * it). An IPv6 host is written in brackets. Query parameters are refused. {@link #toString()} shows the hosts only:
 * the URL may hold a password.
 *
 * @param mode          how the nodes are used [standalone; sentinel with a {@code redis-sentinel://} URL]
 * @param nodes         the server (standalone), the seed nodes (cluster) or the Sentinels (sentinel), at least one
 * @param username      ACL user name, or null for the default user
 * @param password      the password, or null
 * @param ssl           TLS, peer verified
 * @param database      database index, 0 to 65535 [0]; always 0 in a cluster
 * @param masterName    the Sentinels' name of the primary (the URL's fragment); null unless sentinel
 * @param waitReplicas  replicas that must acknowledge a session commit ({@code WAIT}) before it counts as done, 0 =
 *                      no {@code WAIT} [1 in sentinel and cluster mode, else 0]
 * @param waitTimeoutMs longest a commit waits for those acknowledgements, ms [500]
 */
public record RedisEndpoint(Mode mode, List<Node> nodes, String username, Secret password, boolean ssl, int database,
                            String masterName, int waitReplicas, long waitTimeoutMs) {
    /** Port of a Redis server when the URL names none. */
    public static final int DEFAULT_PORT = 6379;
    /** Port of a Sentinel when the URL names none. */
    public static final int DEFAULT_SENTINEL_PORT = 26379;
    /** Default of {@code gateway.state.redis.waitTimeoutMs}, ms. */
    public static final long DEFAULT_WAIT_TIMEOUT_MS = 500;

    /** {@code gateway.state.redis.mode}. */
    public enum Mode {
        /** One Redis server (which may have replicas the gateway does not know of). */
        STANDALONE,
        /** A primary and replicas watched by Redis Sentinels; the gateway asks the Sentinels which is primary. */
        SENTINEL,
        /** A Redis Cluster: keys spread over primaries by hash slot, each with replicas. */
        CLUSTER
    }

    /**
     * One host and port.
     *
     * @param host host name or IP literal (IPv6 without brackets)
     * @param port TCP port, 1 to 65535
     */
    public record Node(String host, int port) {
        /** {@code host:port}, IPv6 in brackets. */
        public String where() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public RedisEndpoint {
        nodes = List.copyOf(nodes);
    }

    /** A standalone endpoint without {@code WAIT} (tests, and the shape of the original single-server form). */
    public RedisEndpoint(String host, int port, String username, Secret password, boolean ssl, int database) {
        this(Mode.STANDALONE, List.of(new Node(host, port)), username, password, ssl, database, null, 0,
                DEFAULT_WAIT_TIMEOUT_MS);
    }

    /**
     * Parses the URL alone: the mode its scheme implies (sentinel for {@code redis-sentinel://}, else standalone,
     * with several hosts kept for {@link #configure}), {@code waitReplicas} that mode's default.
     *
     * @param key the key being read, for the error
     * @param url the URL; it never appears in an error message
     */
    public static RedisEndpoint parse(String key, String url) {
        String u = url.trim();
        String lower = u.toLowerCase(Locale.ROOT);
        String scheme = lower.contains("://") ? lower.substring(0, lower.indexOf("://")) : "";
        boolean sentinel = scheme.equals("redis-sentinel") || scheme.equals("rediss-sentinel");
        boolean ssl = scheme.equals("rediss") || scheme.equals("rediss-sentinel");
        if (!sentinel && !scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new ConfigException(key, "must start with redis://, rediss://, redis-sentinel:// or rediss-sentinel://");
        }
        String rest = u.substring(scheme.length() + 3);
        String masterName = null;
        int hash = rest.indexOf('#', rest.lastIndexOf('@') + 1);
        if (sentinel && hash >= 0) {
            masterName = rest.substring(hash + 1);
            rest = rest.substring(0, hash);
            if (!masterName.matches("[A-Za-z0-9._-]{1,128}")) {
                throw new ConfigException(key, "has a bad master name after # (letters, digits, . _ -)");
            }
        }
        if (rest.contains("?") || rest.contains("#")) {
            throw new ConfigException(key, "takes no query parameters or fragment (percent-encode ? and # in a password)");
        }
        if (sentinel && masterName == null) {
            throw new ConfigException(key, "names no master: end a redis-sentinel:// URL with #<master name>");
        }
        int pathAt = rest.indexOf('/', rest.lastIndexOf('@') + 1);
        String authority = pathAt < 0 ? rest : rest.substring(0, pathAt);
        String path = pathAt < 0 ? "" : rest.substring(pathAt + 1);
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? null : authority.substring(0, at);
        List<Node> nodes = new ArrayList<>();
        for (String hostPort : authority.substring(at + 1).split(",", -1)) {
            nodes.add(node(key, hostPort, sentinel ? DEFAULT_SENTINEL_PORT : DEFAULT_PORT));
        }
        int database = path.isEmpty() ? 0 : number(key, path, 0, 65_535, "database");

        String username = null;
        Secret password = null;
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? "" : decode(key, userInfo.substring(0, colon));
            password = Secret.ofNullable(decode(key, colon < 0 ? userInfo : userInfo.substring(colon + 1)));
            username = user.isEmpty() ? null : user;
        }
        Mode mode = sentinel ? Mode.SENTINEL : Mode.STANDALONE;
        return new RedisEndpoint(mode, nodes, username, password, ssl, database, masterName, defaultWait(mode),
                DEFAULT_WAIT_TIMEOUT_MS);
    }

    /**
     * This endpoint in the configured mode, with the {@code WAIT} settings, checked: a {@code redis-sentinel://} URL
     * only in mode sentinel (the default mode standalone gives way to it), mode sentinel only with such a URL,
     * several hosts only in mode cluster (or sentinel), a cluster only on database 0.
     *
     * @param urlKey        {@code gateway.state.redis.url}, for errors about the URL
     * @param modeKey       {@code gateway.state.redis.mode}, for errors about the mode
     * @param configured    the mode key's value [standalone]
     * @param waitReplicas  {@code gateway.state.redis.waitReplicas}, or null for the mode's default
     * @param waitTimeoutMs {@code gateway.state.redis.waitTimeoutMs}
     */
    public RedisEndpoint configure(String urlKey, String modeKey, Mode configured, Integer waitReplicas,
                                   long waitTimeoutMs) {
        Mode m = configured;
        if (mode == Mode.SENTINEL && configured == Mode.CLUSTER) {
            throw new ConfigException(modeKey, "is cluster, but " + urlKey + " is a redis-sentinel:// URL");
        } else if (mode == Mode.SENTINEL) {
            m = Mode.SENTINEL;
        } else if (configured == Mode.SENTINEL) {
            throw new ConfigException(modeKey, "sentinel needs a redis-sentinel:// URL in " + urlKey
                    + " (redis-sentinel://[password@]host1:26379,host2:26379/0#masterName)");
        }
        if (m == Mode.STANDALONE && nodes.size() > 1) {
            throw new ConfigException(urlKey, "lists " + nodes.size() + " hosts: set " + modeKey
                    + "=cluster for a Redis Cluster, or use redis-sentinel:// for Sentinels");
        }
        if (m == Mode.CLUSTER && database != 0) {
            throw new ConfigException(urlKey, "names database " + database + ", but a Redis Cluster has only database 0");
        }
        return new RedisEndpoint(m, nodes, username, password, ssl, database, masterName,
                waitReplicas == null ? defaultWait(m) : waitReplicas, waitTimeoutMs);
    }

    /** {@code waitReplicas} when unset: 1 where a replica takes over on failover (sentinel, cluster), else 0. */
    public static int defaultWait(Mode mode) {
        return mode == Mode.STANDALONE ? 0 : 1;
    }

    /** The first node's host. */
    public String host() {
        return nodes.get(0).host();
    }

    /** The first node's port. */
    public int port() {
        return nodes.get(0).port();
    }

    /** {@code host:port} of every node, comma-separated, for logs and messages (never the password). */
    public String where() {
        return nodes.stream().map(Node::where).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return switch (mode) {
            case SENTINEL -> (ssl ? "rediss-sentinel://" : "redis-sentinel://") + where() + "/" + database + "#"
                    + masterName;
            case CLUSTER -> (ssl ? "rediss://" : "redis://") + where() + " (cluster)";
            case STANDALONE -> (ssl ? "rediss://" : "redis://") + where() + "/" + database;
        };
    }

    private static Node node(String key, String hostPort, int defaultPort) {
        String host;
        String portText;
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            if (end < 0 || end + 1 < hostPort.length() && hostPort.charAt(end + 1) != ':') {
                throw new ConfigException(key, "has a malformed IPv6 host (write [address]:port)");
            }
            host = hostPort.substring(1, end);
            portText = end + 1 < hostPort.length() ? hostPort.substring(end + 2) : null;
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            portText = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw new ConfigException(key, "names no valid host");
        }
        return new Node(host, portText == null ? defaultPort : number(key, portText, 1, 65_535, "port"));
    }

    private static int number(String key, String text, int min, int max, String what) {
        int n = text.matches("\\d{1,5}") ? Integer.parseInt(text) : -1;
        if (n < min || n > max) {
            throw new ConfigException(key, "has a bad " + what + " (" + min + " to " + max + ")");
        }
        return n;
    }

    private static String decode(String key, String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "has a malformed percent-escape in its user info");
        }
    }
}
