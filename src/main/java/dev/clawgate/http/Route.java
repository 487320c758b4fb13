package dev.clawgate.http;

import jakarta.servlet.ServletRequest;
import java.util.Set;

/**
 * The paths the gateway serves, with the methods each allows. {@link RouteFilter} resolves a request's route once and
 * keeps it as a request attribute; the filters after it read it with {@link #of(ServletRequest)}.
 */
public enum Route {
    CHAT_COMPLETIONS("POST", true), MODELS("GET, HEAD", false), MODEL("GET, HEAD", false),
    HEALTHZ("GET, HEAD", false), READYZ("GET, HEAD", false), METRICS("GET, HEAD", false), RESPONSES("POST", true),
    RESPONSE("GET", false), EMBEDDINGS("POST", true), SESSIONS("DELETE", true);

    /** Request attribute holding the route of the request. */
    static final String ATTRIBUTE = Route.class.getName();

    private final String allow;
    private final Set<String> methods;
    private final boolean readsBody;

    Route(String allow, boolean readsBody) {
        this.allow = allow;
        this.methods = Set.of(allow.split(", "));
        this.readsBody = readsBody;
    }

    /** Whether a request with {@code method} here has its body read (by the route's servlet, after auth). */
    boolean readsBody(String method) {
        return readsBody && allows(method);
    }

    /** Whether {@code method} is one of the allowed methods, exactly (case-sensitive, as HTTP methods are). */
    public boolean allows(String method) {
        return methods.contains(method);
    }

    /** The methods allowed, as the {@code Allow} header lists them. */
    public String allow() {
        return allow;
    }

    /** Whether this route goes through auth and rate limiting. */
    public boolean protectedRoute() {
        return this != HEALTHZ && this != READYZ;
    }

    /** The route {@link RouteFilter} found for {@code request}; null when it did not run. */
    public static Route of(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Route r ? r : null;
    }

    /**
     * The route of a context-relative path as the container mapped it (decoded, dot segments resolved: see
     * {@link RouteFilter#path}), or null when the gateway serves nothing there.
     */
    static Route forPath(String path) {
        return switch (path) {
            case "/v1/chat/completions" -> CHAT_COMPLETIONS;
            case "/v1/models" -> MODELS;
            case "/healthz" -> HEALTHZ;
            case "/readyz" -> READYZ;
            case "/metrics" -> METRICS;
            case "/v1/responses" -> RESPONSES;
            case "/v1/embeddings" -> EMBEDDINGS;
            case "/v1/sessions" -> SESSIONS;
            default -> path.startsWith("/v1/models/") ? MODEL : path.startsWith("/v1/responses/") ? RESPONSE : null;
        };
    }
}
