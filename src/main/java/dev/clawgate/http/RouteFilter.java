package dev.clawgate.http;

import dev.clawgate.Gateway;
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
 */
public final class RouteFilter extends HttpFilter {
    public static final String REQUEST_ID = "x-request-id";
    /** Request attribute holding the route of the request. */
    public static final String ROUTE = RouteFilter.class.getName() + ".route";

    /** The paths the gateway serves. */
    public enum Route {
        CHAT_COMPLETIONS("POST"), MODELS("GET, HEAD"), MODEL("GET, HEAD"), HEALTHZ("GET, HEAD"),
        READYZ("GET, HEAD"), METRICS("GET, HEAD");

        private final String allow;

        Route(String allow) {
            this.allow = allow;
        }

        public String allow() {
            return allow;
        }

        /** Whether this route goes through auth and rate limiting. */
        public boolean protectedRoute() {
            return this != HEALTHZ && this != READYZ;
        }
    }

    private transient GatewayConfig config;

    @Override
    public void init() throws ServletException {
        Gateway gateway = GatewayListener.gateway(getServletContext());
        config = gateway.config();
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        String id = req.getHeader(REQUEST_ID);
        resp.setHeader(REQUEST_ID, saneId(id) ? id : Ids.requestId());
        resp.setHeader("X-Content-Type-Options", "nosniff");
        Route route = route(path(req));
        if (route == null || !enabled(route)) {
            ApiErrors.send(resp, new ApiException(404, "invalid_request_error", null, "not_found",
                    "Unknown request URL: " + req.getMethod() + " " + safe(path(req)) + "."));
            return;
        }
        req.setAttribute(ROUTE, route);
        String method = req.getMethod();
        boolean allowed = route.allow.contains(method)
                || method.equals("OPTIONS") && !config.http().corsAllowedOrigins().isEmpty();
        if (!allowed) {
            resp.setHeader("Allow", route.allow);
            ApiErrors.send(resp, new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                    "Method " + safe(method) + " is not allowed on this path; use " + route.allow + "."));
            return;
        }
        chain.doFilter(req, resp);
    }

    static String path(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String ctx = req.getContextPath();
        return uri.startsWith(ctx) ? uri.substring(ctx.length()) : uri;
    }

    static Route route(String path) {
        return switch (path) {
            case "/v1/chat/completions" -> Route.CHAT_COMPLETIONS;
            case "/v1/models" -> Route.MODELS;
            case "/healthz" -> Route.HEALTHZ;
            case "/readyz" -> Route.READYZ;
            case "/metrics" -> Route.METRICS;
            default -> path.startsWith("/v1/models/") ? Route.MODEL : null;
        };
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
