package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * CORS for browser clients (SPEC §9), before auth. Off while {@code gateway.http.cors.allowedOrigins} is empty
 * [default]; otherwise it lists exact origins ({@code https://chat.example.com}, scheme, host and port as the browser
 * sends them; a trailing {@code /} is ignored; no wildcards).
 *
 * <p>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) from a listed origin
 * is answered 204 without auth: {@code Access-Control-Allow-Origin} (that origin), {@code Access-Control-Allow-Methods}
 * (the route's methods), {@code Access-Control-Allow-Headers} (the requested headers among {@code authorization},
 * {@code content-type}, {@code x-openclaw-*}, {@code x-stainless-*}), {@code Access-Control-Max-Age} (600 s) and
 * {@code Vary: Origin}. A preflight from any other origin gets 403 and no CORS header. Other responses to a listed
 * origin (errors included) carry {@code Access-Control-Allow-Origin}, {@code Vary: Origin} and
 * {@code Access-Control-Expose-Headers} ({@code x-request-id}, {@code retry-after}, the rate-limit headers and {@code x-openclaw-upstream-model}).
 */
public final class CorsFilter extends HttpFilter {
    static final String MAX_AGE_SECONDS = "600";
    static final String EXPOSE = CorsOrigins.EXPOSE;
    private static final Pattern ALLOWED_HEADER =
            Pattern.compile("authorization|content-type|x-openclaw-[a-z0-9-]+|x-stainless-[a-z0-9-]+");

    private final transient CorsOrigins origins;

    /** @param allowedOrigins {@code gateway.http.cors.allowedOrigins}; empty: CORS off */
    public CorsFilter(List<String> allowedOrigins) {
        this.origins = new CorsOrigins(allowedOrigins);
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        String origin = req.getHeader("Origin");
        if (!origins.on() || origin == null) {
            chain.doFilter(req, resp);
            return;
        }
        boolean allowed = origins.listed(origin);
        String requestedMethod = req.getHeader("Access-Control-Request-Method");
        if ("OPTIONS".equals(req.getMethod()) && requestedMethod != null) {
            if (!allowed) {
                throw new ApiException(403, "invalid_request_error", null, "origin_not_allowed",
                        "This origin is not allowed (gateway.http.cors.allowedOrigins).");
            }
            Route route = Route.of(req);
            resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
            resp.setHeader("Access-Control-Allow-Origin", origin);
            resp.setHeader("Access-Control-Allow-Methods", route == null ? "" : route.allow());
            String headers = allowedHeaders(req.getHeader("Access-Control-Request-Headers"));
            if (!headers.isEmpty()) {
                resp.setHeader("Access-Control-Allow-Headers", headers);
            }
            resp.setHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
            resp.setHeader("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
            resp.setHeader("Cache-Control", "no-store");
            return;
        }
        origins.addHeaders(req, resp);
        chain.doFilter(req, resp);
    }

    /** The requested headers we allow, lower-cased, in the order asked. */
    static String allowedHeaders(String requested) {
        if (requested == null) {
            return "";
        }
        StringJoiner out = new StringJoiner(", ");
        for (String h : requested.split(",")) {
            String name = h.trim().toLowerCase(Locale.ROOT);
            if (ALLOWED_HEADER.matcher(name).matches()) {
                out.add(name);
            }
        }
        return out.toString();
    }
}
