package dev.clawgate.session;

import dev.clawgate.cluster.RedisState;
import dev.clawgate.config.GatewayConfig;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/** Opens the session store the configuration chose, once at start-up. */
public final class SessionStores {
    private SessionStores() {
    }

    /**
     * The store of {@link GatewayConfig.State#store()}: Redis ({@link RedisSessionStore}) when
     * {@code gateway.state.redis.url} is set; else files under {@code gateway.state.dir} ({@link FileSessionStore});
     * else memory ({@link MemorySessionStore}, bounded by {@code gateway.state.maxSessions}). All forget a session
     * after {@code gateway.state.idleTtlMs}. The configuration has already checked the directory.
     *
     * @param redis     the node's Redis connection; required for the Redis store, else unused (null)
     * @param scheduler the gateway's timer (the Redis store retries its lock there)
     * @throws java.io.UncheckedIOException when the session directory cannot be created after all
     */
    public static SessionStore open(GatewayConfig config, Clock clock, RedisState redis,
                                    ScheduledExecutorService scheduler) {
        GatewayConfig.State state = config.state();
        return switch (state.store()) {
            case REDIS -> new RedisSessionStore(Objects.requireNonNull(redis, "redis"), scheduler, state.idleTtlMs(),
                    config.http().streamTimeoutMs());
            case FILE -> new FileSessionStore(state.dir(), clock, state.idleTtlMs());
            case MEMORY -> new MemorySessionStore(clock, state.maxSessions(), state.idleTtlMs());
        };
    }
}
