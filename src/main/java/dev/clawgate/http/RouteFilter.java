package dev.clawgate.http;

import dev.clawgate.config.GatewayConfig;
import dev.clawgate.openai.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The first filter: gives every response its {@code x-request-id} (the client's when it sent a sane one, else a new
 * one) and {@code X-Content-Type-Options: nosniff}, then answers what reveals nothing before auth runs (SPEC §1): an
 * unknown path or a disabled endpoint gets 404, a wrong method on a known path 405 with {@code Allow}, both as
 * OpenAI JSON errors. {@code OPTIONS} passes on to CORS when CORS is on.
 *
 * <p>It is also where the filters after it report a refusal: they throw an {@link ApiException} (401, 429, 403), and
 * this filter renders it ({@link ApiErrors}) — the one place a filter's error becomes a response.
 */
public final class RouteFilter extends HttpFilter {
    public static final String REQUEST_ID = "x-request-id";

    private final transient GatewayConfig config;

    /** @param config which endpoints are on, and whether CORS (and so OPTIONS) is */
    public RouteFilter(GatewayConfig config) {
        this.config = config;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        String id = req.getHeader(REQUEST_ID);
        resp.setHeader(REQUEST_ID, saneId(id) ? id : Ids.requestId());
        resp.setHeader("X-Content-Type-Options", "nosniff");
        Route route = Route.forPath(path(req));
        if (route == null || !enabled(route)) {
            ApiErrors.send(resp, new ApiException(404, "invalid_request_error", null, "not_found",
                    "Unknown request URL: " + req.getMethod() + " " + safe(path(req)) + "."));
            return;
        }
        req.setAttribute(Route.ATTRIBUTE, route);
        String method = req.getMethod();
        boolean allowed = route.allow().contains(method)
                || method.equals("OPTIONS") && !config.http().corsAllowedOrigins().isEmpty();
        if (!allowed) {
            resp.setHeader("Allow", route.allow());
            ApiErrors.send(resp, new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                    "Method " + safe(method) + " is not allowed on this path; use " + route.allow() + "."));
            return;
        }
        try {
            chain.doFilter(req, resp);
        } catch (ApiException refused) {
            ApiErrors.send(resp, refused);
        }
    }

    static String path(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String ctx = req.getContextPath();
        return uri.startsWith(ctx) ? uri.substring(ctx.length()) : uri;
    }

    private boolean enabled(Route route) {
        return switch (route) {
            case CHAT_COMPLETIONS, MODELS, MODEL -> config.chatCompletionsEnabled();
            case METRICS -> config.metrics().enabled();
            case HEALTHZ, READYZ -> true;
        };
    }

    private static boolean saneId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static String safe(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "…" : s;
        return t.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
