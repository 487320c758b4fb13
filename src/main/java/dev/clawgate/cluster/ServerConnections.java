package dev.clawgate.cluster;

import dev.clawgate.config.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The connections to one Redis server: the configured one (standalone) or the primary the Sentinels name
 * (sentinel). Two multiplexed connections (string values; byte values for Bucket4j) and, when commits wait for
 * replicas, a third for commits and their {@code WAIT}. {@link #moveTo} connects to another server and swaps all of
 * them at once (a Sentinel failover); commands already sent finish or fail on the old ones, which are then closed.
 */
final class ServerConnections implements RedisConnections {
    private static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private record Links(RedisEndpoint.Node node, StatefulRedisConnection<String, String> strings,
                         StatefulRedisConnection<String, byte[]> bytes,
                         StatefulRedisConnection<String, String> durable) {
        void close() {
            strings.closeAsync();
            bytes.closeAsync();
            if (durable != null) {
                durable.closeAsync();
            }
        }
    }

    private final RedisClient client;
    private final RedisEndpoint endpoint;
    private final boolean separateDurable;
    private final AtomicBoolean moving = new AtomicBoolean();
    private volatile Links links;
    private volatile boolean closed;

    /**
     * Connects, once at start-up (blocking the deploying thread at most the connect timeout).
     *
     * @throws io.lettuce.core.RedisException when the server does not answer (nothing stays open)
     */
    ServerConnections(RedisClient client, RedisEndpoint endpoint, RedisEndpoint.Node node) {
        this.client = client;
        this.endpoint = endpoint;
        this.separateDurable = endpoint.waitReplicas() > 0;
        RedisURI uri = RedisClients.server(endpoint, node);
        List<StatefulRedisConnection<?, ?>> opened = new ArrayList<>();
        try {
            StatefulRedisConnection<String, String> strings = client.connect(StringCodec.UTF8, uri);
            opened.add(strings);
            StatefulRedisConnection<String, byte[]> bytes = client.connect(BYTES, uri);
            opened.add(bytes);
            StatefulRedisConnection<String, String> durable = separateDurable ? client.connect(StringCodec.UTF8, uri)
                    : null;
            this.links = new Links(node, strings, bytes, durable);
        } catch (RuntimeException e) {
            opened.forEach(StatefulRedisConnection::closeAsync);
            throw e;
        }
    }

    /** The server connected now. */
    RedisEndpoint.Node node() {
        return links.node();
    }

    /**
     * Connects to {@code node} and, once every connection is up, sends all commands there. Does nothing while another
     * move is under way.
     *
     * @return completes true when moved, false when another move was under way; fails when {@code node} did not answer
     */
    CompletableFuture<Boolean> moveTo(RedisEndpoint.Node node) {
        if (!moving.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(false);
        }
        RedisURI uri = RedisClients.server(endpoint, node);
        CompletableFuture<StatefulRedisConnection<String, String>> strings = connect(StringCodec.UTF8, uri);
        CompletableFuture<StatefulRedisConnection<String, byte[]>> bytes = connect(BYTES, uri);
        CompletableFuture<StatefulRedisConnection<String, String>> durable = separateDurable
                ? connect(StringCodec.UTF8, uri) : CompletableFuture.completedFuture(null);
        return CompletableFuture.allOf(strings, bytes, durable).handle((ok, error) -> {
            moving.set(false);
            if (error != null) {
                for (CompletableFuture<? extends StatefulRedisConnection<?, ?>> c : List.of(strings, bytes, durable)) {
                    c.thenAccept(open -> {
                        if (open != null) {
                            open.closeAsync();
                        }
                    });
                }
                throw error instanceof RuntimeException r ? r : new IllegalStateException(error);
            }
            Links next = new Links(node, strings.join(), bytes.join(), durable.join());
            Links old = links;
            links = next;
            old.close();
            if (closed) {
                next.close();
            }
            return true;
        });
    }

    private <V> CompletableFuture<StatefulRedisConnection<String, V>> connect(RedisCodec<String, V> codec,
                                                                            RedisURI uri) {
        try {
            return client.connectAsync(codec, uri).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public RedisClusterAsyncCommands<String, String> strings() {
        return links.strings().async();
    }

    @Override
    public RedisClusterAsyncCommands<String, byte[]> bytes() {
        return links.bytes().async();
    }

    @Override
    public CompletableFuture<RedisClusterAsyncCommands<String, String>> durable(String key) {
        Links l = links;
        return CompletableFuture.completedFuture(l.durable() != null ? l.durable().async() : l.strings().async());
    }

    @Override
    public CompletableFuture<Boolean> probe() {
        return links.strings().async().ping().toCompletableFuture().thenApply("PONG"::equals);
    }

    @Override
    public String where() {
        return links.node().where();
    }

    @Override
    public void close() {
        closed = true;
        links.close();
    }
}
