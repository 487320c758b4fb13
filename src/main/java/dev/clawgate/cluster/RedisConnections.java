package dev.clawgate.cluster;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * The connections of one mode behind the command interface every mode shares ({@link RedisClusterAsyncCommands}:
 * a standalone or Sentinel-named server's commands and a cluster's routing commands are both that), so the stores
 * have one code path. Implementations: {@link ServerConnections} (standalone, sentinel) and
 * {@link ClusterConnections}.
 */
interface RedisConnections extends AutoCloseable {
    /** Commands on string keys and values, multiplexed (sessions, lockout, quotas, locks). */
    RedisClusterAsyncCommands<String, String> strings();

    /** Commands on string keys and byte values (Bucket4j's buckets). */
    RedisClusterAsyncCommands<String, byte[]> bytes();

    /**
     * Commands on the connection where a write that is followed by {@code WAIT} must go: the primary that holds
     * {@code key}, on a connection of its own so that a {@code WAIT} holds up nothing else.
     */
    CompletableFuture<RedisClusterAsyncCommands<String, String>> durable(String key);

    /** Completes true when the store can serve: the server answers PING, or the cluster reports {@code ok}. */
    CompletableFuture<Boolean> probe();

    /** host:port of what is connected now, for logs. */
    String where();

    @Override
    void close();
}
