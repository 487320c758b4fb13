package dev.clawgate.session;

import dev.clawgate.cluster.RedisState;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.time.Scheduler;
import java.time.Clock;
import java.util.Objects;

/** Opens the session store the configuration chose, once at start-up. */
public final class SessionStores {
    private SessionStores() {
    }

    /**
     * The store of {@link GatewayConfig.State#store()}: Redis ({@link RedisSessionStore}) when
     * {@code gateway.state.redis.url} is set; else files under {@code gateway.state.dir} ({@link FileSessionStore});
     * else memory ({@link MemorySessionStore}, bounded by {@code gateway.state.maxSessions} and
     * {@code gateway.state.maxMemoryBytes}). All forget a session after {@code gateway.state.idleTtlMs} and keep the
     * {@link SessionLimits} from {@code gateway.state.*}. The configuration has already checked the directory.
     *
     * @param redis     the node's Redis connection; required for the Redis store, else unused (null)
     * @param scheduler the gateway's timer (the Redis store retries its lock there)
     * @throws java.io.UncheckedIOException when the session directory cannot be created after all
     */
    public static SessionStore open(GatewayConfig config, Clock clock, RedisState redis,
                                    Scheduler scheduler) {
        GatewayConfig.State state = config.state();
        SessionLimits limits = new SessionLimits(state.maxTranscriptMessages(), state.maxTranscriptBytes(),
                state.maxMemoryBytes(), state.maxQueuedTurns());
        return switch (state.store()) {
            case REDIS -> new RedisSessionStore(Objects.requireNonNull(redis, "redis"), scheduler, state.idleTtlMs(),
                    config.http().streamTimeoutMs(), limits);
            case FILE -> new FileSessionStore(state.dir(), clock, state.idleTtlMs(), limits);
            case MEMORY -> new MemorySessionStore(clock, state.maxSessions(), state.idleTtlMs(), limits);
        };
    }
}
