package dev.clawgate.session;

import dev.clawgate.config.ConfigException;
import dev.clawgate.config.ConfigKeys;
import dev.clawgate.config.GatewayConfig;
import java.io.UncheckedIOException;
import java.time.Clock;

/** Picks the session store the configuration asks for, once at start-up. */
public final class SessionStores {
    private SessionStores() {
    }

    /**
     * Files under {@code gateway.state.dir} when it is set ({@link FileSessionStore}), else memory
     * ({@link MemorySessionStore}, bounded by {@code gateway.state.maxSessions}). Both forget a session after
     * {@code gateway.state.idleTtlMs}. A Redis store ({@code gateway.state.redis.url}) will be chosen here, ahead of
     * the other two; until then the key is reported and ignored.
     *
     * @throws ConfigException naming {@code gateway.state.dir} when the directory cannot be created
     */
    public static SessionStore open(GatewayConfig.State state, Clock clock) {
        if (state.redisUrl() != null) {
            System.getLogger(SessionStores.class.getName()).log(System.Logger.Level.WARNING, "clawgate: "
                    + ConfigKeys.STATE_REDIS_URL + " is not supported yet; sessions stay in "
                    + (state.dir() != null ? "files" : "memory"));
        }
        if (state.dir() != null) {
            try {
                return new FileSessionStore(state.dir(), clock, state.idleTtlMs());
            } catch (UncheckedIOException e) {
                throw new ConfigException(ConfigKeys.STATE_DIR, "cannot create the directory " + state.dir()
                        + " (" + e.getCause().getClass().getSimpleName() + ")");
            }
        }
        return new MemorySessionStore(clock, state.maxSessions(), state.idleTtlMs());
    }
}
