package dev.clawgate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Sentinel-managed Redis of the test's own on loopback: a primary and one replica that want a password, and three
 * Sentinels (quorum 2, {@code down-after-milliseconds} 1000) that want none, as clawgate's {@code redis-sentinel://}
 * URL expects; no persistence, files under a directory of the test's. {@link #start} returns once the replica is in
 * sync and every Sentinel knows it, so a failover can promote it at once.
 */
public final class RedisSentinels implements AutoCloseable {
    /** The Sentinels' name of the primary. */
    public static final String MASTER = "mymaster";
    private static final Duration READY = Duration.ofSeconds(30);

    private final String password;
    private final List<RedisServer> servers = new ArrayList<>();
    private final List<RedisServer> sentinels = new ArrayList<>();

    private RedisSentinels(String password) {
        this.password = password;
    }

    /** Starts the primary and the replica (both wanting {@code password}) and the Sentinels in {@code dir}. */
    public static RedisSentinels start(Path dir, String password) throws IOException {
        RedisSentinels set = new RedisSentinels(password);
        try {
            RedisServer primary = RedisServer.startIn(dir.resolve("primary"), "--repl-diskless-sync-delay", "0",
                    "--requirepass", password, "--masterauth", password);
            set.servers.add(primary);
            RedisServer replica = RedisServer.startIn(dir.resolve("replica"), "--repl-diskless-sync-delay", "0",
                    "--requirepass", password, "--masterauth", password,
                    "--replicaof", "127.0.0.1", Integer.toString(primary.port()));
            set.servers.add(replica);
            set.awaitReplicaOf(primary.port(), READY);
            for (int i = 0; i < 3; i++) {
                set.sentinels.add(RedisServer.sentinel(dir.resolve("sentinels"), primary.port(), MASTER, 2,
                        "sentinel auth-pass " + MASTER + " " + password,
                        "sentinel down-after-milliseconds " + MASTER + " 1000",
                        "sentinel failover-timeout " + MASTER + " 10000"));
            }
            for (RedisServer s : set.sentinels) {
                Poll.untilTrue("Sentinel " + s.where() + " knows the replica", READY, () -> {
                    String replicas = RedisCli.at(s.port(), "SENTINEL", "REPLICAS", MASTER);
                    return replicas.contains(Integer.toString(replica.port())) && !replicas.contains("s_down")
                            && !replicas.contains("disconnected");
                });
            }
            return set;
        } catch (RuntimeException | IOException e) {
            set.close();
            throw e;
        }
    }

    /** {@code redis-sentinel://:<password>@127.0.0.1:<s1>,127.0.0.1:<s2>,127.0.0.1:<s3>/0#mymaster}. */
    public String url() {
        return "redis-sentinel://:" + password + "@" + sentinels.stream().map(RedisServer::where).collect(Collectors.joining(","))
                + "/0#" + MASTER;
    }

    /** The port of the server the Sentinels name primary now. */
    public int primaryPort() {
        String[] answer = RedisCli.at(sentinels.get(0).port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
                .trim().split("\\s+");
        return Integer.parseInt(answer[answer.length - 1]);
    }

    /** The primary or the replica on {@code port}. */
    public RedisServer server(int port) {
        return servers.stream().filter(s -> s.port() == port).findFirst().orElseThrow();
    }

    /** {@code SENTINEL FAILOVER mymaster}: promotes the replica without waiting for the primary to fail. */
    public void failover() {
        RedisCli.at(sentinels.get(0).port(), "SENTINEL", "FAILOVER", MASTER);
    }

    /** Waits until the Sentinels name a primary other than {@code oldPort}; its port. */
    public int awaitNewPrimary(int oldPort, Duration deadline) {
        return Poll.until("the Sentinels name a new primary", deadline, () -> {
            int now = primaryPort();
            return now != oldPort ? now : null;
        });
    }

    /** Waits until the primary on {@code port} has a replica that acknowledges its stream (WAIT can succeed). */
    public void awaitReplicaOf(int port, Duration deadline) {
        java.util.Map<Integer, Long> marks = new java.util.concurrent.ConcurrentHashMap<>();
        Poll.untilTrue("a replica in sync with 127.0.0.1:" + port, deadline,
                () -> RedisCli.replicaCaughtUp(password, port, marks));
    }

    @Override
    public void close() {
        List<RedisServer> all = new ArrayList<>(sentinels);
        all.addAll(servers);
        for (RedisServer s : all) {
            try {
                s.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
