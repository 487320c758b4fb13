package dev.clawgate.config;

import java.lang.System.Logger.Level;

/**
 * The start-up rule for the operator secret: a bearer token or password shorter than {@value #MIN_SECRET_LENGTH}
 * characters is refused, unless {@code gateway.auth.allowWeakSecret=true} [false], which accepts it with one
 * WARNING.
 */
final class SecretStrength {
    /** Fewest characters of a bearer token or password, unless {@code gateway.auth.allowWeakSecret=true}. */
    static final int MIN_SECRET_LENGTH = 32;
    private static final System.Logger LOG = System.getLogger(ConfigLoader.class.getName());

    private SecretStrength() {
    }

    /** Throws unless {@code secret} is long enough or {@code allowWeak}; warns once when a weak one is allowed. */
    static void check(ConfigKey<Secret> key, Secret secret, boolean allowWeak) {
        if (secret.reveal().length() >= MIN_SECRET_LENGTH) {
            return;
        }
        if (!allowWeak) {
            throw new ConfigException(key.name(), "is shorter than " + MIN_SECRET_LENGTH + " characters; use a"
                    + " long random secret (e.g. openssl rand -hex 32), or set "
                    + ConfigKeys.AUTH_ALLOW_WEAK_SECRET + "=true");
        }
        LOG.log(Level.WARNING, "clawgate: " + key.name() + " is shorter than " + MIN_SECRET_LENGTH
                + " characters, accepted because " + ConfigKeys.AUTH_ALLOW_WEAK_SECRET + "=true");
    }
}
