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
 * unknown path or a disabled endpoint gets 404, a method that is not exactly one of the route's ({@code OST} is not
 * {@code POST}) 405 with {@code Allow}, both as OpenAI JSON errors. {@code OPTIONS} passes on to CORS when CORS is on.
 * The route is found from the path as the container mapped it ({@link #path}: decoded, dot segments resolved), so
 * {@code /v1/models/../chat/completions} is the chat endpoint here as it is to the container.
 *
 * <p>It is also where the filters and servlets after it report a refusal: they throw an {@link ApiException} (401,
 * 429, 403), and this filter renders it ({@link ApiErrors}) — the one place a filter's error becomes a response. Any
 * other exception that escapes the chain is logged (its class only) and answered as a JSON 500, never the container's
 * error page; what the container itself sends with {@code sendError} goes to {@link ErrorPageServlet} (web.xml's
 * default error page). Every error answered here carries the CORS headers when the request's origin is listed.
 *
 * <p>A request answered without its body being read (every refusal here, and a route that reads none, such as a
 * {@code GET} that declares one) gets {@code Connection: close} and is ended through {@code startAsync()}, so the
 * container closes the connection rather than wait on a request thread for a body that may never come
 * ({@link UnreadBody}).
 */
public final class RouteFilter extends HttpFilter {
    public static final String REQUEST_ID = "x-request-id";
    private static final System.Logger LOG = System.getLogger(RouteFilter.class.getName());

    private final transient GatewayConfig config;
    private final transient CorsOrigins cors;

    /** @param config which endpoints are on, and the CORS origins (OPTIONS passes when CORS is on) */
    public RouteFilter(GatewayConfig config) {
        this.config = config;
        this.cors = new CorsOrigins(config.http().corsAllowedOrigins());
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        String id = req.getHeader(REQUEST_ID);
        resp.setHeader(REQUEST_ID, saneId(id) ? id : Ids.requestId());
        resp.setHeader("X-Content-Type-Options", "nosniff");
        String path = path(req);
        Route route = Route.forPath(path);
        if (route == null || !enabled(route)) {
            refuse(req, resp, new ApiException(404, "invalid_request_error", null, "not_found",
                    "Unknown request URL: " + safe(req.getMethod()) + " " + safe(path) + "."));
            return;
        }
        req.setAttribute(Route.ATTRIBUTE, route);
        String method = req.getMethod();
        boolean allowed = route.allows(method) || method.equals("OPTIONS") && cors.on();
        if (!allowed) {
            resp.setHeader("Allow", route.allow());
            refuse(req, resp, new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                    "Method " + safe(method) + " is not allowed on this path; use " + route.allow() + "."));
            return;
        }
        boolean ignoredBody = !route.readsBody(method) && UnreadBody.pending(req);
        if (ignoredBody) { // e.g. a GET that declares a body: answered, never read
            UnreadBody.closeAfter(resp);
        }
        try {
            chain.doFilter(req, resp);
        } catch (ApiException refused) {
            refuse(req, resp, refused);
        } catch (RuntimeException | ServletException e) {
            LOG.log(System.Logger.Level.ERROR, "clawgate: unexpected " + e.getClass().getName() + " on "
                    + safe(method) + " " + safe(path));
            refuse(req, resp, ApiException.internal());
        }
        if (ignoredBody) {
            UnreadBody.end(req);
        }
    }

    /**
     * Answers {@code e} (unless the response is already under way), with the CORS headers for a listed origin; a
     * request whose body is still unread gets {@code Connection: close} and is ended without reading it
     * ({@link UnreadBody}).
     */
    private void refuse(HttpServletRequest req, HttpServletResponse resp, ApiException e) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        cors.addHeaders(req, resp);
        UnreadBody.refuse(req, resp, e);
    }

    /**
     * The context-relative path as the container mapped it: {@code getServletPath() + getPathInfo()}, decoded and with
     * {@code .} and {@code ..} segments resolved, so the route is the servlet the container will call. Never the raw
     * request URI, which the container may map elsewhere.
     */
    static String path(HttpServletRequest req) {
        String servletPath = req.getServletPath();
        String info = req.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (info == null ? "" : info);
    }

    private boolean enabled(Route route) {
        return switch (route) {
            case CHAT_COMPLETIONS, MODELS, MODEL, RESPONSES, RESPONSE, EMBEDDINGS, SESSIONS ->
                    config.chatCompletionsEnabled();
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
