package dev.clawgate.session;

import dev.clawgate.cluster.RedisState;
import dev.clawgate.config.ConfigException;
import dev.clawgate.config.ConfigKeys;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.time.Scheduler;
import java.io.UncheckedIOException;
import java.time.Clock;

/** Picks the session store the configuration asks for, once at start-up. */
public final class SessionStores {
    private SessionStores() {
    }

    /**
     * Redis ({@link RedisSessionStore}) when {@code gateway.state.redis.url} is set (then {@code gateway.state.dir}
     * is ignored, with a warning); else files under {@code gateway.state.dir} when it is set
     * ({@link FileSessionStore}); else memory ({@link MemorySessionStore}, bounded by
     * {@code gateway.state.maxSessions} and {@code gateway.state.maxMemoryBytes}). All forget a session after
     * {@code gateway.state.idleTtlMs} and keep the {@link SessionLimits} from {@code gateway.state.*}.
     *
     * @param redis     the node's Redis connection, null when {@code gateway.state.redis.url} is unset
     * @param scheduler the gateway's timer (the Redis store retries its lock there)
     * @throws ConfigException naming {@code gateway.state.dir} when the directory cannot be created
     */
    public static SessionStore open(GatewayConfig config, Clock clock, RedisState redis,
                                    Scheduler scheduler) {
        GatewayConfig.State state = config.state();
        SessionLimits limits = new SessionLimits(state.maxTranscriptMessages(), state.maxTranscriptBytes(),
                state.maxMemoryBytes(), state.maxQueuedTurns());
        if (redis != null) {
            if (state.dir() != null) {
                System.getLogger(SessionStores.class.getName()).log(System.Logger.Level.WARNING, "clawgate: "
                        + ConfigKeys.STATE_DIR + " is ignored: sessions live in Redis ("
                        + ConfigKeys.STATE_REDIS_URL + ")");
            }
            return new RedisSessionStore(redis, scheduler, state.idleTtlMs(), config.http().streamTimeoutMs(),
                    limits);
        }
        if (state.dir() != null) {
            try {
                return new FileSessionStore(state.dir(), clock, state.idleTtlMs(), limits);
            } catch (UncheckedIOException e) {
                throw new ConfigException(ConfigKeys.STATE_DIR, "cannot create the directory " + state.dir()
                        + " (" + e.getCause().getClass().getSimpleName() + ")");
            }
        }
        return new MemorySessionStore(clock, state.maxSessions(), state.idleTtlMs(), limits);
    }
}
