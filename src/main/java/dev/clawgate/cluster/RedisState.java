package dev.clawgate.cluster;

import dev.clawgate.config.ConfigException;
import dev.clawgate.config.ConfigKeys;
import dev.clawgate.config.RedisEndpoint;
import dev.clawgate.time.Scheduler;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gateway's connection to Redis ({@code gateway.state.redis.url} and {@code .mode}, the password usually from
 * {@code ${env:…}}; parsed into a {@link RedisEndpoint} by the configuration), shared by the lockout, the rate
 * limiter and the session store of one node. Built only when the URL is set; the single-node path never loads it.
 *
 * <p>Three modes, one code path for the stores: {@link #commands()} and {@link #bucketCommands()} are Lettuce's
 * {@link RedisClusterAsyncCommands}, which a server's commands and a cluster's routing commands both are.
 * <ul>
 *   <li><b>standalone</b>: one server ({@link ServerConnections});</li>
 *   <li><b>sentinel</b>: the primary the Sentinels name at start-up; every {@link #PING_PERIOD_MS} ms the node asks
 *       them again ({@link SentinelWatch}) and, when they name another server (a failover), connects there and
 *       moves every connection at once;</li>
 *   <li><b>cluster</b>: Lettuce's cluster client ({@link ClusterConnections}), routing by hash slot and refreshing
 *       the topology periodically and on redirects, so a replica that took over is found.</li>
 * </ul>
 * Every command times out after {@link #COMMAND_TIMEOUT_MS} ms; while a connection is down, commands are rejected at
 * once instead of queued, and Lettuce reconnects in the background (50 ms doubling to 1 s), so the node recovers
 * without a restart. Own small {@link ClientResources} (2 Netty I/O threads, 2 computation threads).
 *
 * <p>Durability: {@link #writeDurably} sends a write to the primary of its key and, when
 * {@code gateway.state.redis.waitReplicas} is above 0, {@code WAIT}s on the same connection for that many replicas
 * — at most as many as {@code ROLE} says are connected to that primary — for at most {@code waitTimeoutMs}; fewer
 * acknowledgements fail the write with {@link ReplicationException}, so while the primary has a replica, a commit the
 * client hears succeed is on a replica too and survives a failover. A primary with no replica connected (the one a
 * failover promoted, until a replica rejoins) takes the write alone, with a warning at most every
 * {@link #WARN_INTERVAL_MS} ms: full service goes on, and such a commit is lost only if that primary is lost too.
 *
 * <p>Health: a probe every {@link #PING_PERIOD_MS} ms on the gateway's scheduler (PING; {@code CLUSTER INFO}
 * {@code cluster_state:ok} in a cluster; asynchronous, holds no thread); {@link #healthy()} is the last answer, so
 * {@code /readyz} costs nothing. Failures are reported through {@link #failed(String, Throwable)}: the
 * {@code onFailure} callback (the gateway's {@code stateStoreError} event) every time, a warning log line at most once
 * per {@link #WARN_INTERVAL_MS} ms per kind. The password is never logged: only host:port.
 *
 * <p>{@link #close()} (undeploy) closes the connections and shuts the client and its Netty threads down with a
 * 100 ms quiet period and a 2 s bound.
 */
public final class RedisState implements AutoCloseable {
    /** Longest any Redis command may take before it fails, ms ({@code WAIT}: its own timeout plus this). */
    public static final long COMMAND_TIMEOUT_MS = 1_000;
    /** Longest a filter waits for Redis on a container thread (rate limit, lockout) before it fails open, ms. */
    public static final long REQUEST_PATH_TIMEOUT_MS = 250;
    /** Pause between two health probes (and Sentinel queries), ms. */
    public static final long PING_PERIOD_MS = 1_000;
    /** Least pause between two warning lines of one kind, ms. */
    public static final long WARN_INTERVAL_MS = 10_000;
    /** Prefix of every key the gateway writes. */
    public static final String PREFIX = "clawgate:";

    private static final System.Logger LOG = System.getLogger(RedisState.class.getName());
    /** Longest start-up waits for the Sentinels to name the primary, ms. */
    private static final long STARTUP_TIMEOUT_MS = 5_000;

    private final RedisEndpoint endpoint;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final RedisConnections connections;
    private final SentinelWatch sentinels;
    private final Consumer<String> onFailure;
    private final WarningThrottle warnings;
    private volatile boolean healthy = true;

    /** A durable write reached fewer replicas than {@code gateway.state.redis.waitReplicas} in time. */
    public static final class ReplicationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReplicationException(long acknowledged, int wanted) {
            super(acknowledged + " of " + wanted + " replicas acknowledged the write in time", null, false, false);
        }
    }

    /**
     * Connects, once at start-up.
     *
     * @param endpoint  {@code gateway.state.redis.*}, parsed
     * @param scheduler the gateway's timer, for the health probe (and the warning throttle's time)
     * @param onFailure told the kind of every failed call ({@code ratelimit}, {@code lockout}, {@code session},
     *                  {@code ping}, {@code quota}, {@code sentinel}); must be cheap and never throw
     * @throws ConfigException naming {@code gateway.state.redis.url} when Redis (or every Sentinel) does not answer
     *                         at start-up (the message holds host:port only)
     */
    public RedisState(RedisEndpoint endpoint, Scheduler scheduler, Consumer<String> onFailure) {
        this.endpoint = endpoint;
        this.onFailure = onFailure;
        this.warnings = new WarningThrottle(WARN_INTERVAL_MS, scheduler);
        this.resources = RedisClients.resources();
        SentinelWatch watch = null;
        if (endpoint.mode() == RedisEndpoint.Mode.CLUSTER) {
            RedisClusterClient c = RedisClusterClient.create(resources, ClusterConnections.seeds(endpoint));
            c.setOptions(RedisClients.clusterOptions(endpoint.waitTimeoutMs()));
            this.client = c;
        } else {
            RedisClient c = RedisClient.create(resources);
            c.setOptions(RedisClients.clientOptions(endpoint.waitTimeoutMs()));
            this.client = c;
            watch = endpoint.mode() == RedisEndpoint.Mode.SENTINEL ? new SentinelWatch(c, endpoint) : null;
        }
        this.sentinels = watch;
        try {
            this.connections = connect();
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            shutdownClient();
            throw new ConfigException(ConfigKeys.STATE_REDIS_URL, (endpoint.mode() == RedisEndpoint.Mode.SENTINEL
                    ? "Redis through the Sentinels at " : "Redis at ") + endpoint.where() + " did not answer ("
                    + unwrap(e).getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdownClient();
            throw new ConfigException(ConfigKeys.STATE_REDIS_URL, "interrupted while connecting to Redis");
        }
        scheduler.scheduleWithFixedDelay(this::probe, PING_PERIOD_MS, PING_PERIOD_MS, TimeUnit.MILLISECONDS);
        String mode = endpoint.mode().name().toLowerCase(java.util.Locale.ROOT);
        LOG.log(Level.INFO, "clawgate: shared state in Redis (" + mode + ") at " + connections.where()
                + (sentinels != null ? " (primary named by " + endpoint.where() + ")" : "")
                + (endpoint.waitReplicas() > 0 ? "; commits wait for " + endpoint.waitReplicas() + " replica(s)" : ""));
    }

    private RedisConnections connect() throws ExecutionException, TimeoutException, InterruptedException {
        return switch (endpoint.mode()) {
            case CLUSTER -> new ClusterConnections((RedisClusterClient) client, endpoint);
            case SENTINEL -> new ServerConnections((RedisClient) client, endpoint,
                    sentinels.primary().get(STARTUP_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            case STANDALONE -> new ServerConnections((RedisClient) client, endpoint, endpoint.nodes().get(0));
        };
    }

    /** host:port of the Redis server(s) as configured, for logs (never the URL: it may hold a password). */
    public String where() {
        return endpoint.where();
    }

    /** The configured mode. */
    public RedisEndpoint.Mode mode() {
        return endpoint.mode();
    }

    /** Asynchronous commands on string keys and values (sessions, lockout, quotas, locks). */
    public RedisClusterAsyncCommands<String, String> commands() {
        return connections.strings();
    }

    /** Asynchronous commands on string keys and byte values, for Bucket4j's proxy manager. */
    public RedisClusterAsyncCommands<String, byte[]> bucketCommands() {
        return connections.bytes();
    }

    /**
     * Runs {@code write} on the primary that holds {@code key} and, with {@code waitReplicas} above 0, issues
     * {@code WAIT} right after it on the same connection. Holds no thread.
     *
     * @param key   the key the write touches (a script's keys all share its hash slot)
     * @param write sends the write on the given commands
     * @return the write's answer; fails with the write's error, or with {@link ReplicationException} when fewer
     *         replicas than configured acknowledged it within {@code waitTimeoutMs} (it is then on the primary only)
     */
    public <T> CompletableFuture<T> writeDurably(String key,
                                                 Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> write) {
        int wanted = endpoint.waitReplicas();
        return connections.durable(key).thenCompose(c -> {
            CompletableFuture<T> written = write.apply(c).toCompletableFuture();
            if (wanted == 0) {
                return written;
            }
            return c.role().toCompletableFuture().thenCompose(role -> {
                int want = Math.min(wanted, connectedReplicas(role));
                if (want == 0) {
                    unreplicated();
                    return written;
                }
                CompletableFuture<Long> acknowledged = c.waitForReplication(want, endpoint.waitTimeoutMs())
                        .toCompletableFuture();
                return written.thenCombine(acknowledged, (value, n) -> {
                    if (n == null || n < want) {
                        throw new ReplicationException(n == null ? 0 : n, want);
                    }
                    return value;
                });
            });
        });
    }

    /** The replicas {@code ROLE} lists as connected to a primary; 0 for anything else. */
    static int connectedReplicas(List<Object> role) {
        return role != null && role.size() >= 3 && "master".equals(String.valueOf(role.get(0)))
                && role.get(2) instanceof List<?> replicas ? replicas.size() : 0;
    }

    /** A durable write went to a primary with no replica connected (after a failover, until one rejoins). */
    private void unreplicated() {
        long suppressed = warnings.allow("unreplicated");
        if (suppressed >= 0) {
            LOG.log(Level.WARNING, "clawgate: Redis primary of a session has no replica connected ("
                    + connections.where() + "); commits are kept on the primary only until one rejoins"
                    + (suppressed > 0 ? " (" + suppressed + " more since the last warning)" : ""));
        }
    }

    /** Whether the last health probe (at most {@link #PING_PERIOD_MS} ms ago) was answered, and well. */
    public boolean healthy() {
        return healthy;
    }

    /**
     * Reports a failed or timed-out Redis call: a {@code stateStoreError(kind)} event, and a warning at most once per
     * {@link #WARN_INTERVAL_MS} ms per kind, naming the exception class and host:port, never a key or the URL.
     */
    public void failed(String kind, Throwable error) {
        onFailure.accept(kind);
        long suppressed = warnings.allow(kind);
        if (suppressed >= 0) {
            Throwable cause = unwrap(error);
            LOG.log(Level.WARNING, "clawgate: Redis at " + connections.where() + " failed (" + kind + ": "
                    + cause.getClass().getSimpleName() + ")" + (suppressed > 0 ? "; " + suppressed
                    + " more such failures since the last warning" : ""));
        }
    }

    /**
     * Runs one Redis call on the request path and waits for its answer at most {@link #REQUEST_PATH_TIMEOUT_MS} ms.
     *
     * @return the answer, or null when the call failed or was too slow (then reported as {@code kind})
     */
    public <T> T awaitOnRequestPath(String kind, Supplier<? extends CompletionStage<T>> call) {
        try {
            return call.get().toCompletableFuture().get(REQUEST_PATH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(kind, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failed(kind, e);
        }
        return null;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private void probe() {
        if (sentinels != null) {
            followSentinels();
        }
        try {
            connections.probe().whenComplete((answer, error) -> {
                boolean ok = error == null && Boolean.TRUE.equals(answer);
                if (ok != healthy) {
                    LOG.log(ok ? Level.INFO : Level.WARNING, "clawgate: Redis at " + connections.where()
                            + (ok ? " answers again; ready" : " does not answer (or not ok); not ready"));
                }
                healthy = ok;
                if (!ok) {
                    failed("ping", error == null ? new IllegalStateException("unexpected health answer") : error);
                }
            });
        } catch (RuntimeException e) {
            healthy = false;
            failed("ping", e);
        }
    }

    /** Sentinel mode: when the Sentinels name another primary, moves every connection there. */
    private void followSentinels() {
        ServerConnections server = (ServerConnections) connections;
        sentinels.primary().whenComplete((primary, error) -> {
            if (error != null) {
                failed("sentinel", error);
            } else if (!primary.equals(server.node())) {
                String from = server.node().where();
                server.moveTo(primary).whenComplete((moved, moveError) -> {
                    if (moveError != null) {
                        failed("sentinel", moveError);
                    } else if (moved) {
                        LOG.log(Level.INFO, "clawgate: the Sentinels name a new Redis primary, " + primary.where()
                                + " (was " + from + "); connections moved");
                    }
                });
            }
        });
    }

    @Override
    public void close() {
        healthy = false;
        try {
            if (sentinels != null) {
                sentinels.close();
            }
            connections.close();
        } finally {
            shutdownClient();
        }
    }

    private void shutdownClient() {
        try {
            client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
        } finally {
            resources.shutdown(100, 2_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3_000);
        }
    }
}
