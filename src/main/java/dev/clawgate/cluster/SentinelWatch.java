package dev.clawgate.cluster;

import dev.clawgate.config.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Asks the Sentinels which server is the primary ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}), over one connection to
 * the first Sentinel of the URL that answers. When a query fails that connection is dropped and the next query
 * connects again, trying the Sentinels in the URL's order, so one Sentinel going away costs one failed query. Never
 * blocks: every call returns a future.
 */
final class SentinelWatch implements AutoCloseable {
    private final RedisClient client;
    private final RedisURI sentinels;
    private final String master;
    private volatile CompletableFuture<StatefulRedisSentinelConnection<String, String>> connection;
    private volatile boolean closed;

    /**
     * @param client   the node's client (its resources and options)
     * @param endpoint a sentinel-mode endpoint: the Sentinels and the master name
     */
    SentinelWatch(RedisClient client, RedisEndpoint endpoint) {
        this.client = client;
        this.sentinels = RedisClients.sentinels(endpoint);
        this.master = endpoint.masterName();
    }

    /** The primary as the Sentinels name it now; fails when no Sentinel answers or none knows the master. */
    CompletableFuture<RedisEndpoint.Node> primary() {
        CompletableFuture<StatefulRedisSentinelConnection<String, String>> c = connection;
        if (c == null) {
            try {
                c = client.connectSentinelAsync(StringCodec.UTF8, sentinels).toCompletableFuture();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            connection = c;
            if (closed) {
                close();
            }
        }
        CompletableFuture<StatefulRedisSentinelConnection<String, String>> used = c;
        return used.thenCompose(s -> s.async().getMasterAddrByName(master).toCompletableFuture())
                .handle((address, error) -> {
                    if (error != null) {
                        drop(used);
                        throw error instanceof CompletionException ce ? ce : new CompletionException(error);
                    }
                    return node(address);
                });
    }

    private RedisEndpoint.Node node(SocketAddress address) {
        if (address instanceof InetSocketAddress a) {
            return new RedisEndpoint.Node(a.getHostString(), a.getPort());
        }
        throw new IllegalStateException("the Sentinels know no master named " + master);
    }

    private void drop(CompletableFuture<StatefulRedisSentinelConnection<String, String>> c) {
        if (connection == c) {
            connection = null;
        }
        c.thenAccept(StatefulRedisSentinelConnection::closeAsync);
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<StatefulRedisSentinelConnection<String, String>> c = connection;
        if (c != null) {
            drop(c);
        }
    }
}
