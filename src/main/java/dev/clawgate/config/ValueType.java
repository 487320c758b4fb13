package dev.clawgate.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the text of one configuration value becomes a typed value. {@link #parse} gets the text untrimmed (a type
 * trims what it needs), blank only for an empty default; a value it cannot use is a {@link ConfigException} naming
 * the key and, unless the type {@link #isSecret() is secret}, quoting the value.
 *
 * @param <T> the parsed value
 */
public interface ValueType<T> {
    /** @param key the concrete key, e.g. {@code agents.main.maxHistoryMessages}, for the error message */
    T parse(String key, String text);

    /** What the value is, for people: {@code whole number 1..2147483639}, {@code true | false}, ... */
    String description();

    /** Whether values of this type are secrets: never logged, never quoted in an error. */
    default boolean isSecret() {
        return false;
    }

    /** {@code true} or {@code false}, any case. */
    static ValueType<Boolean> bool() {
        return simple("true | false", (key, text) -> switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, "must be true or false, not '"
                    + text.trim().toLowerCase(Locale.ROOT) + "'");
        });
    }

    /** A whole number in {@code [min, max]}. */
    static ValueType<Long> wholeNumber(long min, long max) {
        return new WholeNumber(min, max);
    }

    /** A whole number in {@code [min, max]}, both within {@code int}. */
    static ValueType<Integer> intNumber(int min, int max) {
        return new IntNumber(min, max);
    }

    /** Free text, as written (not trimmed). */
    static ValueType<String> text() {
        return simple("text", (key, text) -> text);
    }

    /** One of the constants of {@code type}, written in lower case with {@code -} for {@code _}. */
    static <E extends Enum<E>> ValueType<E> choice(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(choiceName(e));
        }
        String all = String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        return simple(String.join(" | ", names), (key, text) -> {
            String v = text.trim().toLowerCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (choiceName(e).equals(v)) {
                    return e;
                }
            }
            throw new ConfigException(key, "must be " + all + ", not '" + v + "'");
        });
    }

    /** How a choice is written: {@code TRUSTED_PROXY} is {@code trusted-proxy}. */
    static String choiceName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * An ISO-8601 instant ({@code 2026-12-31T18:00:00Z}) or date ({@code 2026-12-31}, meaning 00:00 UTC of that
     * day).
     */
    static ValueType<java.time.Instant> instant() {
        return simple("ISO-8601 date or instant", (key, text) -> {
            String v = text.trim();
            try {
                return v.contains("T") ? java.time.OffsetDateTime.parse(v).toInstant()
                        : java.time.LocalDate.parse(v).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new ConfigException(key, "must be an ISO-8601 date (2026-12-31) or instant "
                        + "(2026-12-31T18:00:00Z), not '" + v + "'");
            }
        });
    }

    /** Comma-separated entries, each trimmed, empty ones dropped. */
    static ValueType<List<String>> list() {
        return simple("comma-separated list", (key, text) -> entries(text));
    }

    /** IPv4/IPv6 addresses and CIDRs, comma-separated ({@link AddressRange}). */
    static ValueType<List<AddressRange>> addressRanges() {
        return simple("comma-separated IPs/CIDRs", (key, text) -> {
            List<AddressRange> out = new ArrayList<>();
            for (String entry : entries(text)) {
                out.add(AddressRange.parse(key, entry));
            }
            return List.copyOf(out);
        });
    }

    /** A file system path. */
    static ValueType<Path> path() {
        return simple("path", (key, text) -> {
            try {
                return Path.of(text.trim());
            } catch (InvalidPathException e) {
                throw new ConfigException(key, "is not a valid path (" + e.getReason() + ")");
            }
        });
    }

    /** A secret, trimmed; its value never reaches a message. */
    static ValueType<Secret> secret() {
        return secretive(simple("secret", (key, text) -> Secret.ofNullable(text.trim())));
    }

    /** A {@code redis://} or {@code rediss://} URL ({@link RedisEndpoint}); secret. */
    static ValueType<RedisEndpoint> redisUrl() {
        return secretive(simple("redis:// or rediss:// URL", RedisEndpoint::parse));
    }

    /** An absolute {@code http://} or {@code https://} URL with a host. */
    static ValueType<URI> httpUrl() {
        return simple("http(s) URL", (key, text) -> {
            URI uri;
            try {
                uri = URI.create(text.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, "is not a valid URL");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(key, "must be an http:// or https:// URL with a host");
            }
            return uri;
        });
    }

    private static List<String> entries(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return List.copyOf(out);
    }

    private static <T> ValueType<T> secretive(ValueType<T> type) {
        return new ValueType<>() {
            @Override
            public T parse(String key, String text) {
                return type.parse(key, text);
            }

            @Override
            public String description() {
                return type.description();
            }

            @Override
            public boolean isSecret() {
                return true;
            }
        };
    }

    private static <T> ValueType<T> simple(String description, java.util.function.BiFunction<String, String, T> f) {
        return new ValueType<>() {
            @Override
            public T parse(String key, String text) {
                return f.apply(key, text);
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    /** A type with numeric bounds, which {@link ConfigKey#min()} and {@link ConfigKey#max()} report. */
    interface Bounded {
        long min();

        long max();

        default long check(String key, String text) {
            String v = text.trim();
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "must be a whole number, not '" + v + "'");
            }
            if (n < min() || n > max()) {
                throw new ConfigException(key, "must be between " + min() + " and " + max() + ", not " + n);
            }
            return n;
        }
    }

    /** A {@code long} in {@code [min, max]}. */
    record WholeNumber(long min, long max) implements ValueType<Long>, Bounded {
        @Override
        public Long parse(String key, String text) {
            return check(key, text);
        }

        @Override
        public String description() {
            return "whole number " + min + ".." + max;
        }
    }

    /** An {@code int} in {@code [min, max]}. */
    record IntNumber(long min, long max) implements ValueType<Integer>, Bounded {
        @Override
        public Integer parse(String key, String text) {
            return (int) check(key, text);
        }

        @Override
        public String description() {
            return "whole number " + min + ".." + max;
        }
    }
}
