package dev.clawgate.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The origins of {@code gateway.http.cors.allowedOrigins} (exact, case-insensitive, a trailing {@code /} ignored) and
 * the headers every non-preflight response to one of them carries: {@code Access-Control-Allow-Origin} (that origin),
 * {@code Vary: Origin} and {@code Access-Control-Expose-Headers}. Shared by {@link CorsFilter} and by
 * {@link RouteFilter}, whose own answers (404, 405, the errors it renders) come before CORS runs. Immutable.
 */
final class CorsOrigins {
    static final String EXPOSE = "x-request-id, retry-after, x-ratelimit-limit-requests, "
            + "x-ratelimit-remaining-requests, x-ratelimit-reset-requests, x-openclaw-upstream-model";

    private final Set<String> origins = new LinkedHashSet<>();

    /** @param allowedOrigins {@code gateway.http.cors.allowedOrigins}; empty: CORS off */
    CorsOrigins(List<String> allowedOrigins) {
        for (String o : allowedOrigins) {
            origins.add(normalise(o));
        }
    }

    /** Whether CORS is on at all. */
    boolean on() {
        return !origins.isEmpty();
    }

    /** Whether {@code origin} (the request's {@code Origin}, may be null) is listed. */
    boolean listed(String origin) {
        return origin != null && origins.contains(normalise(origin));
    }

    /** Adds the CORS headers of an actual (non-preflight) response when the request's origin is listed; once. */
    void addHeaders(HttpServletRequest req, HttpServletResponse resp) {
        String origin = req.getHeader("Origin");
        if (!listed(origin) || resp.getHeader("Access-Control-Allow-Origin") != null) {
            return;
        }
        resp.setHeader("Access-Control-Allow-Origin", origin);
        resp.addHeader("Vary", "Origin");
        resp.setHeader("Access-Control-Expose-Headers", EXPOSE);
    }

    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
