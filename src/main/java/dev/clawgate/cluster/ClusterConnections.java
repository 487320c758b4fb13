package dev.clawgate.cluster;

import dev.clawgate.config.RedisEndpoint;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The connections to a Redis Cluster ({@code gateway.state.redis.mode=cluster}): Lettuce's
 * {@link RedisClusterClient} routes each command to the primary of its key's hash slot, follows {@code MOVED} and
 * {@code ASK}, and refreshes the topology periodically and on events ({@link RedisClients#clusterOptions}), so a
 * replica that took over is used without a restart. Two routing connections (string values; byte values for
 * Bucket4j) and, when commits wait for replicas, a third whose per-primary connections carry the commits and their
 * {@code WAIT} (which must run on the connection that wrote). Health: {@code CLUSTER INFO} says
 * {@code cluster_state:ok}.
 */
final class ClusterConnections implements RedisConnections {
    private static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final String where;
    private final StatefulRedisClusterConnection<String, String> strings;
    private final StatefulRedisClusterConnection<String, byte[]> bytes;
    private final StatefulRedisClusterConnection<String, String> durable;

    /**
     * Connects, once at start-up: reads the topology from the first seed node that answers.
     *
     * @throws io.lettuce.core.RedisException when no seed node answers (nothing stays open)
     */
    ClusterConnections(RedisClusterClient client, RedisEndpoint endpoint) {
        this.where = endpoint.where();
        List<StatefulRedisClusterConnection<?, ?>> opened = new ArrayList<>();
        try {
            this.strings = client.connect(StringCodec.UTF8);
            opened.add(strings);
            this.bytes = client.connect(BYTES);
            opened.add(bytes);
            this.durable = endpoint.waitReplicas() > 0 ? client.connect(StringCodec.UTF8) : null;
        } catch (RuntimeException e) {
            opened.forEach(StatefulRedisClusterConnection::closeAsync);
            throw e;
        }
    }

    /** The seed nodes as {@link RedisURI}s. */
    static List<RedisURI> seeds(RedisEndpoint endpoint) {
        return endpoint.nodes().stream().map(n -> RedisClients.server(endpoint, n)).toList();
    }

    @Override
    public RedisClusterAsyncCommands<String, String> strings() {
        return strings.async();
    }

    @Override
    public RedisClusterAsyncCommands<String, byte[]> bytes() {
        return bytes.async();
    }

    /** The connection to the primary of {@code key}'s slot, as the last topology refresh knows it. */
    @Override
    public CompletableFuture<RedisClusterAsyncCommands<String, String>> durable(String key) {
        if (durable == null) {
            return CompletableFuture.completedFuture(strings.async());
        }
        RedisClusterNode primary = durable.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        if (primary == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no primary serves the key's slot"));
        }
        try {
            return durable.getConnectionAsync(primary.getNodeId()).thenApply(c -> c.async());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Boolean> probe() {
        return strings.async().clusterInfo().toCompletableFuture()
                .thenApply(info -> info != null && info.contains("cluster_state:ok"));
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public void close() {
        strings.closeAsync();
        bytes.closeAsync();
        if (durable != null) {
            durable.closeAsync();
        }
    }
}
