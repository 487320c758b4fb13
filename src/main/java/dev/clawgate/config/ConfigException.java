package dev.clawgate.config;

/**
 * A configuration value that cannot be used. The message always names the key and says what is wrong with the
 * value, and never contains the value of a secret key.
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The dotted key at fault, e.g. {@code gateway.http.maxBodyBytes}. */
    public String key() {
        return key;
    }
}
