package dev.clawgate.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where the cluster's Redis is, parsed from {@code gateway.state.redis.url}:
 * {@code redis://[[username]:password@]host[:port][/database]}, or {@code rediss://} for TLS. The port defaults to
 * 6379, the database to 0; user info is percent-decoded, and user info without a colon is a password (as Redis
 * clients read it). An IPv6 host is written in brackets. Query parameters are refused. {@link #toString()} shows
 * host:port only: the URL may hold a password.
 *
 * @param host     host name or IP literal (IPv6 without brackets)
 * @param port     TCP port, 1 to 65535 [6379]
 * @param username ACL user name, or null for the default user
 * @param password the password, or null
 * @param ssl      {@code rediss://}: TLS, peer verified
 * @param database database index, 0 to 65535 [0]
 */
public record RedisEndpoint(String host, int port, String username, Secret password, boolean ssl, int database) {
    /** Port when the URL names none. */
    public static final int DEFAULT_PORT = 6379;

    /**
     * @param key the key being read, for the error
     * @param url the URL; it never appears in an error message
     */
    public static RedisEndpoint parse(String key, String url) {
        String u = url.trim();
        String lower = u.toLowerCase(Locale.ROOT);
        boolean ssl = lower.startsWith("rediss://");
        if (!ssl && !lower.startsWith("redis://")) {
            throw new ConfigException(key, "must start with redis:// or rediss://");
        }
        String rest = u.substring(ssl ? 9 : 8);
        if (rest.contains("?") || rest.contains("#")) {
            throw new ConfigException(key, "takes no query parameters or fragment (percent-encode ? and # in a password)");
        }
        int pathAt = rest.indexOf('/', rest.lastIndexOf('@') + 1);
        String authority = pathAt < 0 ? rest : rest.substring(0, pathAt);
        String path = pathAt < 0 ? "" : rest.substring(pathAt + 1);
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? null : authority.substring(0, at);
        String hostPort = authority.substring(at + 1);

        String host;
        String portText = null;
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
        int port = portText == null ? DEFAULT_PORT : number(key, portText, 1, 65_535, "port");
        int database = path.isEmpty() ? 0 : number(key, path, 0, 65_535, "database");

        String username = null;
        Secret password = null;
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? "" : decode(key, userInfo.substring(0, colon));
            password = Secret.ofNullable(decode(key, colon < 0 ? userInfo : userInfo.substring(colon + 1)));
            username = user.isEmpty() ? null : user;
        }
        return new RedisEndpoint(host, port, username, password, ssl, database);
    }

    /** {@code host:port}, for logs and messages. */
    public String where() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return (ssl ? "rediss://" : "redis://") + where() + "/" + database;
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
