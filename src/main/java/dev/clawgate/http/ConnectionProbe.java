package dev.clawgate.http;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Asks the container, without blocking and without taking bytes that belong to a later request, whether the client
 * of an HTTP/1.x request has closed its connection. The Servlet API has no such question: while a response is being
 * prepared nothing is read or written, so neither Jetty 12 nor Tomcat 10/11 notices a hang-up, and a write probe
 * would commit the status before the answer is known. Each probe reads the connection the way the container itself
 * would read the next request:
 * <ul>
 *   <li>Tomcat: the request's {@code AVAILABLE} action, a non-blocking read into Tomcat's own input buffer (bytes of a
 *       pipelined request stay there for it); end of stream answers "1 available" once the body is read, and so do
 *       bytes pipelined behind the POST against RFC 9112 §9.3.2, which are taken as a hang-up too.</li>
 *   <li>Jetty: a non-blocking one-byte fill of the connection's end point, which Jetty does not read while it
 *       handles a request; -1 is the end of stream. A byte there breaks RFC 9112 §9.3.2 (no pipelining behind a
 *       POST before its answer); it is {@link Status#SPOILED}: probing stops and the answer closes the
 *       connection.</li>
 * </ul>
 * Any other container, HTTP/2, or a container whose internals differ gets {@link #NONE}: the disconnect is then
 * noticed only when the answer is written. Calls are made from one thread at a time and never after the answer has
 * started ({@link DisconnectWatch}).
 */
interface ConnectionProbe {
    /** What a probe found. */
    enum Status {
        /** Nothing to see: the client may still be there. */
        OPEN,
        /** The client closed its side of the connection (or it failed). */
        CLOSED,
        /** Bytes the container must not lose were read; stop probing and close the connection after the answer. */
        SPOILED
    }

    /** A probe that never finds anything. */
    ConnectionProbe NONE = () -> Status.OPEN;

    Status check();

    /** The probe for {@code request} (as given to {@code startAsync}), or {@link #NONE}. */
    static ConnectionProbe of(ServletRequest request) {
        ServletRequest r = container(request);
        if (r == null) {
            return NONE;
        }
        try {
            return r.getClass().getName().startsWith("org.apache.") ? tomcat(r) : jetty(r);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return NONE;
        }
    }

    /**
     * Like {@link #of}, but the reflective set-up (class and method lookups, microseconds) is left to the first
     * {@link #check()}: most answers are written before the first probe is due, and then it is never made.
     */
    static ConnectionProbe lazily(ServletRequest request) {
        if (container(request) == null) {
            return NONE;
        }
        return new ConnectionProbe() {
            private ConnectionProbe probe; // calls come from one thread at a time

            @Override
            public Status check() {
                if (probe == null) {
                    probe = of(request);
                }
                return probe.check();
            }
        };
    }

    /** The container's own request under any wrappers, when it is HTTP/1.x of a container probed here; else null. */
    private static ServletRequest container(ServletRequest request) {
        if (request.getProtocol() == null || !request.getProtocol().startsWith("HTTP/1.")) {
            return null;
        }
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper w) {
            r = w.getRequest();
        }
        String type = r.getClass().getName();
        return type.equals("org.apache.catalina.connector.RequestFacade") || type.startsWith("org.eclipse.jetty.")
                ? r : null;
    }

    private static ConnectionProbe tomcat(ServletRequest facade) throws ReflectiveOperationException {
        Field inner = facade.getClass().getDeclaredField("request");
        inner.setAccessible(true);
        Object catalina = inner.get(facade);
        Object coyote = catalina.getClass().getMethod("getCoyoteRequest").invoke(catalina);
        ClassLoader loader = coyote.getClass().getClassLoader();
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object available = Enum.valueOf((Class<Enum>) Class.forName("org.apache.coyote.ActionCode", false, loader),
                "AVAILABLE");
        Method action = coyote.getClass().getMethod("action", available.getClass(), Object.class);
        Method count = coyote.getClass().getMethod("getAvailable");
        return () -> {
            try {
                action.invoke(coyote, available, Boolean.TRUE);
                return ((Integer) count.invoke(coyote)) > 0 ? Status.CLOSED : Status.OPEN;
            } catch (ReflectiveOperationException e) {
                return Status.OPEN;
            }
        };
    }

    private static ConnectionProbe jetty(ServletRequest servletRequest) throws ReflectiveOperationException {
        ClassLoader loader = servletRequest.getClass().getClassLoader();
        Object core = servletRequest.getClass().getMethod("getRequest").invoke(servletRequest);
        Object meta = type(loader, "org.eclipse.jetty.server.Request").getMethod("getConnectionMetaData")
                .invoke(core);
        Object connection = type(loader, "org.eclipse.jetty.server.ConnectionMetaData").getMethod("getConnection")
                .invoke(meta);
        Object endPoint = type(loader, "org.eclipse.jetty.io.Connection").getMethod("getEndPoint")
                .invoke(connection);
        Method fill = type(loader, "org.eclipse.jetty.io.EndPoint").getMethod("fill", ByteBuffer.class);
        ByteBuffer one = ByteBuffer.allocate(1);
        return () -> {
            try {
                one.clear().limit(0); // empty, in Jetty's flush mode: fill appends after the limit
                int filled = (Integer) fill.invoke(endPoint, one);
                return filled == 0 ? Status.OPEN : filled < 0 ? Status.CLOSED : Status.SPOILED;
            } catch (ReflectiveOperationException e) {
                return e.getCause() instanceof java.io.IOException ? Status.CLOSED : Status.OPEN;
            }
        };
    }

    private static Class<?> type(ClassLoader loader, String name) throws ClassNotFoundException {
        return Class.forName(name, false, loader);
    }
}
