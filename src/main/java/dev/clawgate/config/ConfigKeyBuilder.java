package dev.clawgate.config;

/**
 * Builds one {@link ConfigKey}: {@code name} and {@link ValueType}, then the default, unit and environment variable,
 * finished by {@link #doc}, which registers the key in {@link ConfigKey#all()}.
 *
 * @param <T> the parsed value
 */
final class ConfigKeyBuilder<T> {
    final String name;
    final ValueType<T> type;
    String defaultValue;
    String shown;
    String unit;
    String env;

    ConfigKeyBuilder(String name, ValueType<T> type) {
        this.name = name;
        this.type = type;
    }

    ConfigKeyBuilder<T> byDefault(String value) {
        this.defaultValue = value;
        return this;
    }

    ConfigKeyBuilder<T> shown(String text) {
        this.shown = text;
        return this;
    }

    ConfigKeyBuilder<T> unit(String text) {
        this.unit = text;
        return this;
    }

    ConfigKeyBuilder<T> env(String variable) {
        this.env = variable;
        return this;
    }

    /** Finishes the descriptor with its one-line doc and adds it to {@link ConfigKey#all()}. */
    ConfigKey<T> doc(String line) {
        return ConfigKey.register(this, line);
    }
}
