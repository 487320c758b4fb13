package dev.clawgate.metrics;

import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /metrics}: the Prometheus exporter servlet over the gateway's own registry ({@link GatewayMetrics}),
 * mapped in {@code web.xml}. When {@code gateway.metrics.enabled} is false the route filter answers 404 before this
 * servlet is reached; auth is the API's unless {@code gateway.metrics.auth=false}.
 */
public final class MetricsServlet extends HttpServlet {
    private transient PrometheusMetricsServlet exporter;

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        Object metrics = config.getServletContext().getAttribute(GatewayMetrics.ATTRIBUTE);
        if (metrics instanceof GatewayMetrics m) {
            exporter = new PrometheusMetricsServlet(m.registry());
            exporter.init(config);
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        if (exporter == null) {
            resp.sendError(404);
            return;
        }
        exporter.service(req, resp);
    }

    @Override
    public void destroy() {
        if (exporter != null) {
            exporter.destroy();
        }
    }
}
