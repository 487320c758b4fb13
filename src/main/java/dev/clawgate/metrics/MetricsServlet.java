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
 * registered by the gateway's listener. When {@code gateway.metrics.enabled} is false the route filter answers 404 before this
 * servlet is reached; auth is the API's unless {@code gateway.metrics.auth=false}.
 */
public final class MetricsServlet extends HttpServlet {
    private final transient GatewayMetrics metrics;
    private transient PrometheusMetricsServlet exporter;

    /** @param metrics the gateway's metrics; null when {@code gateway.metrics.enabled} is false (then 404) */
    public MetricsServlet(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        if (metrics != null) {
            exporter = new PrometheusMetricsServlet(metrics.registry());
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
