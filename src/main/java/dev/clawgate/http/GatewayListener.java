package dev.clawgate.http;

import dev.clawgate.Gateway;
import dev.clawgate.config.ConfigException;
import dev.clawgate.config.ConfigLoader;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.metrics.GatewayMetrics;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts and stops the gateway with the web application. At start-up it reads the configuration (system properties,
 * then the context init parameters, which is where the container's overrides land, then the JSON file) and builds
 * the {@link Gateway}; a bad key fails the deployment with one log line naming it. At undeploy it stops every thread
 * the gateway started.
 */
public final class GatewayListener implements ServletContextListener {
    private static final System.Logger LOG = System.getLogger(GatewayListener.class.getName());

    private RequestLog requestLog;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            params.put(name, context.getInitParameter(name));
        }
        GatewayConfig config;
        Gateway gateway;
        try {
            config = ConfigLoader.fromSystem(params).load();
            gateway = new Gateway(config, Clock.systemUTC());
        } catch (ConfigException e) {
            LOG.log(Level.ERROR, "clawgate: invalid configuration: " + e.getMessage());
            throw new IllegalStateException("clawgate: invalid configuration: " + e.getMessage());
        }
        requestLog = RequestLog.install(gateway);
        if (config.metrics().enabled()) {
            GatewayMetrics metrics = new GatewayMetrics(config.agents().keySet());
            gateway.events(metrics);
            context.setAttribute(GatewayMetrics.ATTRIBUTE, metrics);
        }
        context.setAttribute(Gateway.ATTRIBUTE, gateway);
        StartupSummary.log(config);
    }

    /** The gateway of this web application, for a filter's or servlet's {@code init()}. */
    public static Gateway gateway(ServletContext context) throws ServletException {
        if (context.getAttribute(Gateway.ATTRIBUTE) instanceof Gateway g) {
            return g;
        }
        throw new ServletException("clawgate: gateway not initialised");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Object gateway = event.getServletContext().getAttribute(Gateway.ATTRIBUTE);
        if (gateway instanceof Gateway g) {
            event.getServletContext().removeAttribute(Gateway.ATTRIBUTE);
            event.getServletContext().removeAttribute(GatewayMetrics.ATTRIBUTE);
            if (requestLog != null) {
                requestLog.flush();
            }
            g.close();
        }
    }
}
