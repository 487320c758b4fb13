package dev.clawgate.config;

import java.util.Objects;

/**
 * A secret value (token, password, API key). Its {@link #toString()} is masked, so a secret cannot reach a log line
 * or an exception message by accident; call {@link #reveal()} only where the value is used.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    /** A secret, or {@code null} when {@code value} is null or blank. */
    public static Secret ofNullable(String value) {
        return value == null || value.isBlank() ? null : new Secret(value);
    }

    /** The secret itself. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
