package dev.clawgate.cluster;

import dev.clawgate.config.RedisEndpoint;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce settings every mode shares: small client resources (2 Netty I/O threads, 2 computation threads),
 * reconnects 50 ms doubling to 1 s, commands rejected at once while a connection is down, every command timed out
 * after {@link RedisState#COMMAND_TIMEOUT_MS} ms ({@code WAIT} after its own timeout plus that), and for a cluster
 * the topology refresh that notices a failover: every {@link #TOPOLOGY_REFRESH_MS} ms, and at once (at most once per
 * {@link #ADAPTIVE_REFRESH_MS} ms) on a {@code MOVED}/{@code ASK} redirect, repeated reconnects or an unknown node.
 */
final class RedisClients {
    /** Periodic cluster topology refresh, ms. */
    static final long TOPOLOGY_REFRESH_MS = 5_000;
    /** Least pause between two refreshes an event (redirect, reconnects) triggers, ms. */
    static final long ADAPTIVE_REFRESH_MS = 1_000;

    private RedisClients() {
    }

    static ClientResources resources() {
        return ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build();
    }

    /** A Redis server (standalone, a Sentinel-named primary, or a cluster seed) with the endpoint's credentials. */
    static RedisURI server(RedisEndpoint endpoint, RedisEndpoint.Node node) {
        RedisURI.Builder builder = RedisURI.Builder.redis(node.host(), node.port())
                .withSsl(endpoint.ssl())
                .withDatabase(endpoint.database())
                .withTimeout(Duration.ofMillis(RedisState.COMMAND_TIMEOUT_MS));
        if (endpoint.password() != null) {
            CharSequence password = endpoint.password().reveal();
            builder = endpoint.username() == null ? builder.withPassword(password)
                    : builder.withAuthentication(endpoint.username(), password);
        }
        return builder.build();
    }

    /** The Sentinels of {@code endpoint} (asked without a password), for the primary named by its master name. */
    static RedisURI sentinels(RedisEndpoint endpoint) {
        RedisEndpoint.Node first = endpoint.nodes().get(0);
        RedisURI.Builder builder = RedisURI.Builder.sentinel(first.host(), first.port(), endpoint.masterName());
        for (RedisEndpoint.Node n : endpoint.nodes().subList(1, endpoint.nodes().size())) {
            builder = builder.withSentinel(n.host(), n.port());
        }
        return builder.withSsl(endpoint.ssl()).withTimeout(Duration.ofMillis(RedisState.COMMAND_TIMEOUT_MS)).build();
    }

    static ClientOptions clientOptions(long waitTimeoutMs) {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(timeouts(waitTimeoutMs))
                .build();
    }

    static ClusterClientOptions clusterOptions(long waitTimeoutMs) {
        return ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(timeouts(waitTimeoutMs))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofMillis(TOPOLOGY_REFRESH_MS))
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(Duration.ofMillis(ADAPTIVE_REFRESH_MS))
                        .build())
                .build();
    }

    /** {@link RedisState#COMMAND_TIMEOUT_MS} for every command; {@code WAIT} gets its own timeout on top. */
    private static TimeoutOptions timeouts(long waitTimeoutMs) {
        return TimeoutOptions.builder().timeoutSource(new TimeoutOptions.TimeoutSource() {
            @Override
            public long getTimeout(RedisCommand<?, ?, ?> command) {
                return command.getType() == CommandType.WAIT ? waitTimeoutMs + RedisState.COMMAND_TIMEOUT_MS
                        : RedisState.COMMAND_TIMEOUT_MS;
            }

            @Override
            public TimeUnit getTimeUnit() {
                return TimeUnit.MILLISECONDS;
            }
        }).build();
    }
}
