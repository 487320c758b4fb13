package dev.clawgate.cluster;

import dev.clawgate.config.ConfigException;
import dev.clawgate.config.ConfigKeys;
import dev.clawgate.config.RedisEndpoint;
import dev.clawgate.time.Scheduler;
import dev.clawgate.time.Ticker;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The gateway's connection to Redis ({@code gateway.state.redis.url}, {@code redis://} or {@code rediss://}, the
 * password usually from {@code ${env:…}}; parsed into a {@link RedisEndpoint} by the configuration), shared by the lockout, the rate limiter and the session store of one node.
 * Built only when the key is set; the single-node path never loads it.
 *
 * <p>One Lettuce {@link RedisClient} with its own small {@link ClientResources} (2 Netty I/O threads, 2 computation
 * threads), two multiplexed connections (string keys and values for sessions and the lockout; string keys and byte
 * values for Bucket4j). Every command times out after {@link #COMMAND_TIMEOUT_MS} ms; while the connection is down,
 * commands are rejected at once instead of queued, and Lettuce reconnects in the background (delay 50 ms doubling to
 * at most 1 s), so the node recovers when Redis returns, without a restart.
 *
 * <p>Health: a PING every {@link #PING_PERIOD_MS} ms on the gateway's scheduler (asynchronous, holds no thread);
 * {@link #healthy()} is the last answer, so {@code /readyz} costs nothing. Failures are reported through
 * {@link #failed(String, Throwable)}: the {@code onFailure} callback (the gateway's {@code stateStoreError} event)
 * every time, a warning log line at
 * most once per {@link #WARN_INTERVAL_MS} ms per kind. The password is never logged: only host:port.
 *
 * <p>{@link #close()} (undeploy) closes the connections and shuts the client and its Netty threads down with a
 * 100 ms quiet period and a 2 s bound.
 */
public final class RedisState implements AutoCloseable {
    /** Longest any Redis command may take before it fails, ms. */
    public static final long COMMAND_TIMEOUT_MS = 1_000;
    /** Longest a filter waits for Redis on a container thread (rate limit, lockout) before it fails open, ms. */
    public static final long REQUEST_PATH_TIMEOUT_MS = 250;
    /** Pause between two health PINGs, ms. */
    public static final long PING_PERIOD_MS = 1_000;
    /** Least pause between two warning lines of one kind, ms. */
    public static final long WARN_INTERVAL_MS = 10_000;
    /** Prefix of every key the gateway writes. */
    public static final String PREFIX = "clawgate:";

    private static final System.Logger LOG = System.getLogger(RedisState.class.getName());

    private final String where;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> strings;
    private final StatefulRedisConnection<String, byte[]> bytes;
    private final Consumer<String> onFailure;
    private final WarningThrottle warnings;
    private volatile boolean healthy = true;

    /**
     * Connects, once at start-up.
     *
     * @param endpoint  {@code gateway.state.redis.url}, parsed
     * @param scheduler the gateway's timer, for the health PING (and the warning throttle's time)
     * @param onFailure told the kind of every failed call ({@code ratelimit}, {@code lockout}, {@code session},
     *                  {@code ping}); must be cheap and never throw
     * @throws ConfigException naming {@code gateway.state.redis.url} when Redis does not answer at start-up (the
     *                         message holds host:port only)
     */
    public RedisState(RedisEndpoint endpoint, Scheduler scheduler, Consumer<String> onFailure) {
        RedisURI.Builder builder = RedisURI.Builder.redis(endpoint.host(), endpoint.port())
                .withSsl(endpoint.ssl()).withDatabase(endpoint.database());
        if (endpoint.password() != null) {
            CharSequence password = endpoint.password().reveal();
            builder = endpoint.username() == null ? builder.withPassword(password)
                    : builder.withAuthentication(endpoint.username(), password);
        }
        RedisURI uri = builder.build();
        this.where = endpoint.where();
        this.onFailure = onFailure;
        this.warnings = new WarningThrottle(WARN_INTERVAL_MS, scheduler);
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(COMMAND_TIMEOUT_MS)))
                .build());
        client.setDefaultTimeout(Duration.ofMillis(COMMAND_TIMEOUT_MS));
        StatefulRedisConnection<String, String> s = null;
        try {
            s = client.connect(StringCodec.UTF8);
            this.strings = s;
            this.bytes = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        } catch (RedisException e) {
            if (s != null) {
                s.close();
            }
            shutdownClient();
            throw new ConfigException(ConfigKeys.STATE_REDIS_URL, "Redis at " + where + " does not answer ("
                    + e.getClass().getSimpleName() + ")");
        }
        scheduler.scheduleWithFixedDelay(this::ping, PING_PERIOD_MS, PING_PERIOD_MS, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "clawgate: shared state in Redis at " + where);
    }

    /** host:port of the Redis server, for logs (never the URL: it may hold a password). */
    public String where() {
        return where;
    }

    /** Asynchronous commands on string keys and values (sessions, lockout, locks). */
    public RedisAsyncCommands<String, String> commands() {
        return strings.async();
    }

    /** The connection with byte values that Bucket4j's proxy manager uses. */
    public StatefulRedisConnection<String, byte[]> bucketConnection() {
        return bytes;
    }

    /** Whether the last health PING (at most {@link #PING_PERIOD_MS} ms ago) was answered. */
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
            LOG.log(Level.WARNING, "clawgate: Redis at " + where + " failed (" + kind + ": "
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

    private void ping() {
        try {
            strings.async().ping().whenComplete((pong, error) -> {
                boolean ok = error == null && "PONG".equals(pong);
                if (ok != healthy) {
                    LOG.log(ok ? Level.INFO : Level.WARNING, "clawgate: Redis at " + where
                            + (ok ? " answers again; ready" : " does not answer; not ready"));
                }
                healthy = ok;
                if (!ok) {
                    failed("ping", error == null ? new IllegalStateException("unexpected PING reply") : error);
                }
            });
        } catch (RuntimeException e) {
            healthy = false;
            failed("ping", e);
        }
    }

    @Override
    public void close() {
        healthy = false;
        try {
            bytes.close();
            strings.close();
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
