package dev.clawgate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of the test's own on loopback: six {@code redis-server --cluster-enabled yes} nodes made into three
 * primaries with one replica each ({@code redis-cli --cluster create ... --cluster-replicas 1}), node timeout
 * 1000 ms so a replica takes over about two seconds after its primary dies, primaries pinging their replicas every
 * second (so a replica's acknowledged offset moves even when idle), no persistence (a node's
 * {@code nodes.conf} lives in its directory under the test's, so a killed node started again rejoins).
 * {@link #start} returns once the cluster is {@code ok} on every node and every replica is in sync.
 */
public final class RedisClusterServers implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(30);

    private final List<RedisServer> nodes = new ArrayList<>();

    private RedisClusterServers() {
    }

    /** Starts the six nodes in {@code dir} and creates the cluster. */
    public static RedisClusterServers start(Path dir) throws IOException {
        RedisClusterServers cluster = new RedisClusterServers();
        try {
            for (int i = 0; i < 6; i++) {
                cluster.nodes.add(RedisServer.clusterNode(dir.resolve("node-" + i), "--cluster-node-timeout", "1000",
                        "--repl-diskless-sync-delay", "0", "--cluster-replica-validity-factor", "0",
                        "--repl-ping-replica-period", "1"));
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            cluster.nodes.forEach(n -> create.add(n.where()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            RedisCli.run(create.toArray(String[]::new));
            cluster.awaitHealthy(READY);
            return cluster;
        } catch (RuntimeException | IOException e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code redis://127.0.0.1:<p1>,...} listing every node as a seed. */
    public String url() {
        return "redis://" + nodes.stream().map(RedisServer::where).collect(Collectors.joining(","));
    }

    /** The running node that is primary of {@code key}'s hash slot. */
    public RedisServer primaryOf(String key) {
        RedisServer any = running().get(0);
        int slot = Integer.parseInt(RedisCli.at(any.port(), "CLUSTER", "KEYSLOT", key).trim());
        for (String line : RedisCli.at(any.port(), "CLUSTER", "NODES").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                if (range[0].startsWith("[")) {
                    continue;
                }
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                    return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no primary serves slot " + slot);
    }

    /** The keys matching {@code pattern} on every running primary. */
    public List<String> keys(String pattern) {
        List<String> keys = new ArrayList<>();
        for (RedisServer n : running()) {
            if ("master".equals(RedisCli.field(RedisCli.at(n.port(), "INFO", "replication"), "role"))) {
                for (String k : RedisCli.at(n.port(), "--raw", "KEYS", pattern).split("\n")) {
                    if (!k.isBlank()) {
                        keys.add(k.trim());
                    }
                }
            }
        }
        return keys;
    }

    /**
     * Waits until every running node says {@code cluster_state:ok}, every running primary has a replica that
     * acknowledges its replication stream ({@link RedisCli#replicaCaughtUp}) and every running replica's link to its
     * primary is up.
     */
    public void awaitHealthy(Duration deadline) {
        java.util.Map<Integer, Long> marks = new java.util.concurrent.ConcurrentHashMap<>();
        Poll.untilTrue("the cluster ok with every replica in sync", deadline, () -> {
            boolean all = true;
            for (RedisServer n : running()) {
                if (!"ok".equals(RedisCli.field(RedisCli.at(n.port(), "CLUSTER", "INFO"), "cluster_state"))) {
                    return false;
                }
                String info = RedisCli.at(n.port(), "INFO", "replication");
                all &= "master".equals(RedisCli.field(info, "role")) ? RedisCli.replicaCaughtUp(n.port(), marks)
                        : "up".equals(RedisCli.field(info, "master_link_status"));
            }
            return all;
        });
    }

    /** Waits until no running node sees a failed slot owner and {@code key}'s slot has a primary other than {@code dead}. */
    public RedisServer awaitTakeover(String key, RedisServer dead, Duration deadline) {
        return Poll.until("a replica takes over the slot of " + key, deadline, () -> {
            for (RedisServer n : running()) {
                if (!"ok".equals(RedisCli.field(RedisCli.at(n.port(), "CLUSTER", "INFO"), "cluster_state"))) {
                    return null;
                }
            }
            RedisServer owner = primaryOf(key);
            return owner != dead ? owner : null;
        });
    }

    private List<RedisServer> running() {
        return nodes.stream().filter(RedisServer::running).toList();
    }

    @Override
    public void close() {
        for (RedisServer n : nodes) {
            try {
                n.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
