package dev.clawgate.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /healthz} (liveness: {@code {"status":"ok"}} while the WAR is deployed) and {@code GET /readyz}
 * (readiness: 200 while the gateway serves, 503 while its state store is unreachable or it is shutting down). Neither
 * needs auth.
 */
public final class HealthServlet extends HttpServlet {
    private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_READY = "{\"status\":\"unavailable\"}".getBytes(StandardCharsets.US_ASCII);

    private final transient BooleanSupplier ready;

    /** @param ready whether the gateway serves now (not shutting down, its state store answers); must be cheap */
    public HealthServlet(BooleanSupplier ready) {
        this.ready = ready;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body;
        if (RouteFilter.path(req).equals("/readyz")) {
            boolean ready = this.ready.getAsBoolean();
            resp.setStatus(ready ? 200 : 503);
            body = ready ? READY : NOT_READY;
        } else {
            body = OK;
        }
        resp.setContentType("application/json; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
