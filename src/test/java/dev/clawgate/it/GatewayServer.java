package dev.clawgate.it;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http.UriCompliance.Violation;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The real WAR source ({@code webapp/} with its {@code web.xml}) deployed in embedded Jetty 12 on a free loopback
 * port, configured the way an operator does it: context init parameters set from the container side.
 */
public final class GatewayServer implements AutoCloseable {
    public static final String TOKEN = "test-token-0123456789abcdef-0123456789";

    private final Server server;
    private final WebAppContext context;

    private GatewayServer(Map<String, String> params) throws Exception {
        this(params, false, 0, null);
    }

    private GatewayServer(Map<String, String> params, boolean allowEncodedSlash, int maxThreads) throws Exception {
        this(params, allowEncodedSlash, maxThreads, null);
    }

    private GatewayServer(Map<String, String> params, boolean allowEncodedSlash, int maxThreads,
                          java.time.Clock clock) throws Exception {
        server = maxThreads > 0 ? new Server(new org.eclipse.jetty.util.thread.QueuedThreadPool(maxThreads))
                : new Server();
        ServerConnector connector = new ServerConnector(server);
        if (allowEncodedSlash) {
            connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration().setUriCompliance(
                    UriCompliance.DEFAULT.with("clawgate-encoded-slash", Violation.AMBIGUOUS_PATH_SEPARATOR));
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        context = new WebAppContext();
        context.setContextPath("/");
        context.setBaseResourceAsString(Path.of("webapp").toAbsolutePath().toString());
        context.setParentLoaderPriority(true);
        context.setThrowUnavailableOnStartupException(true);
        params.forEach(context::setInitParameter);
        if (clock != null) {
            context.setAttribute(dev.clawgate.GatewayListener.CLOCK_ATTRIBUTE, clock);
        }
        if (allowEncodedSlash) {
            context.getServletHandler().setDecodeAmbiguousURIs(true);
        }
        server.setHandler(context);
        server.start();
    }

    /** A gateway with the endpoint on and the test token, plus {@code params} (which win). */
    public static GatewayServer start(Map<String, String> params) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("gateway.http.endpoints.chatCompletions.enabled", "true");
        all.put("gateway.auth.token", TOKEN);
        all.putAll(params);
        return new GatewayServer(all);
    }

    /** Like {@link #start(String...)}, with the gateway's wall clock set to {@code clock} (a fake one in tests). */
    public static GatewayServer startWithClock(java.time.Clock clock, String... keyValues) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("gateway.http.endpoints.chatCompletions.enabled", "true");
        all.put("gateway.auth.token", TOKEN);
        for (int i = 0; i < keyValues.length; i += 2) {
            all.put(keyValues[i], keyValues[i + 1]);
        }
        return new GatewayServer(all, false, 0, clock);
    }

    /** The gateway the listener built (for tests that observe it). */
    public dev.clawgate.Gateway gateway() {
        return (dev.clawgate.Gateway) context.getServletContext().getAttribute(dev.clawgate.Gateway.ATTRIBUTE);
    }

    public static GatewayServer start(String... keyValues) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return start(params);
    }

    /**
     * Like {@link #start(String...)}, on a connector that lets {@code %2F} in a path through, as an operator would
     * configure Jetty 12 for clients that percent-encode the {@code /} of {@code /v1/models/openclaw%2Fmain}: URI
     * compliance {@code DEFAULT} plus {@code AMBIGUOUS_PATH_SEPARATOR}, and the servlet handler's
     * {@code decodeAmbiguousURIs}. Stock Jetty 12 answers such a path with its own 400.
     */
    public static GatewayServer startAllowingEncodedSlash(String... keyValues) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("gateway.http.endpoints.chatCompletions.enabled", "true");
        all.put("gateway.auth.token", TOKEN);
        for (int i = 0; i < keyValues.length; i += 2) {
            all.put(keyValues[i], keyValues[i + 1]);
        }
        return new GatewayServer(all, true, 0);
    }

    /** Like {@link #start(String...)}, with a container request thread pool of at most {@code maxThreads}. */
    public static GatewayServer startWithThreads(int maxThreads, String... keyValues) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("gateway.http.endpoints.chatCompletions.enabled", "true");
        all.put("gateway.auth.token", TOKEN);
        for (int i = 0; i < keyValues.length; i += 2) {
            all.put(keyValues[i], keyValues[i + 1]);
        }
        return new GatewayServer(all, false, maxThreads);
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public String baseUrl() {
        return uri().toString();
    }

    /** A RestAssured request to this gateway with a JSON content type and the test token. */
    public RequestSpecification api() {
        return RestAssured.given().baseUri(baseUrl()).contentType("application/json")
                .header("Authorization", "Bearer " + TOKEN);
    }

    public WebAppContext context() {
        return context;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
