package dev.clawgate.http;

import dev.clawgate.config.BuildInfo;
import dev.clawgate.openai.JsonText;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /healthz} (liveness: {@code {"status":"ok","version":"0.1.0","commit":"0123456789ab"}} while the WAR is
 * deployed, naming the build that runs: see {@link BuildInfo}) and {@code GET /readyz}
 * (readiness: 200 while the gateway serves, 503 while its state store is unreachable or it is shutting down, with
 * the detail of its MCP servers when any are configured:
 * {@code {"status":"ready","mcp":{"everything":{"up":true,"tools":12},"tickets":{"up":false,"tools":0}}}} — a down
 * MCP server does not make the gateway unready). Neither needs auth.
 */
public final class HealthServlet extends HttpServlet {
    private static final byte[] OK = okBody(BuildInfo.current());
    private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_READY = "{\"status\":\"unavailable\"}".getBytes(StandardCharsets.US_ASCII);

    private final transient BooleanSupplier ready;
    private final transient Supplier<String> detail;

    /** {@code {"status":"ok","version":…,"commit":…}}: status first, so a check for its prefix keeps working. */
    static byte[] okBody(BuildInfo build) {
        StringBuilder b = new StringBuilder("{\"status\":\"ok\",\"version\":");
        JsonText.quote(b, build.version()).append(",\"commit\":");
        return JsonText.quote(b, build.commit()).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @param ready whether the gateway serves now (not shutting down, its state store answers); must be cheap */
    public HealthServlet(BooleanSupplier ready) {
        this(ready, () -> null);
    }

    /** @param detail members added to the {@code /readyz} object (e.g. {@code "mcp":{…}}), or null for none */
    public HealthServlet(BooleanSupplier ready, Supplier<String> detail) {
        this.ready = ready;
        this.detail = detail;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body;
        if (RouteFilter.path(req).equals("/readyz")) {
            boolean ready = this.ready.getAsBoolean();
            resp.setStatus(ready ? 200 : 503);
            String more = detail.get();
            body = more == null ? ready ? READY : NOT_READY : ("{\"status\":\"" + (ready ? "ready" : "unavailable")
                    + "\"," + more + "}").getBytes(StandardCharsets.UTF_8);
        } else {
            body = OK;
        }
        resp.setContentType("application/json; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
