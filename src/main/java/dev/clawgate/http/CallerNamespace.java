package dev.clawgate.http;

import dev.clawgate.caller.Caller;
import jakarta.servlet.ServletRequest;

/**
 * Whose state a request may see: an opaque string that scopes {@code /v1/responses} conversations and stored
 * responses, so a response is found only by the caller that made it. A filter that knows the caller (per-caller keys)
 * sets the request attribute {@link #ATTRIBUTE} to a string of its own choosing, distinct per caller and never
 * {@link #OPERATOR}; without it every request is the operator's, who holds the gateway's one secret.
 */
public final class CallerNamespace {
    /** The request attribute a caller-identifying filter sets (a non-empty {@link String}). */
    public static final String ATTRIBUTE = "dev.clawgate.callerNamespace";
    /** The namespace of requests no filter has attributed to a caller. */
    public static final String OPERATOR = "operator";

    private CallerNamespace() {
    }

    /**
     * The request's namespace: the attribute when set to a non-empty string; else the id of the {@link Caller} the
     * auth filter resolved ({@code key:<name>}, {@code user:<name>}); else {@link #OPERATOR}.
     */
    public static String of(ServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof String s && !s.isEmpty()) {
            return s;
        }
        return Caller.of(request.getAttribute(Caller.ATTRIBUTE)).id();
    }
}
