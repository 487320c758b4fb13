package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Answers a request whose body the gateway will not read, so that the container closes the connection instead of
 * reading the unsent body on a request thread.
 *
 * <p>Why: the gateway reads a body only after {@code startAsync()} ({@link BodyReader}); everything answered before
 * (401, 429, 403 from the filters, 404/405 from {@link RouteFilter}, a declared length over
 * {@code gateway.http.maxBodyBytes}, a {@code GET} that declares a body) leaves the body on the connection. Tomcat
 * (10.1, 11) then reads and discards it with a blocking read on the request thread before it takes the next request
 * ({@code Http11Processor.endRequest} → {@code IdentityInputFilter.end}), up to {@code maxSwallowSize} (2 MiB) or
 * until {@code connectionTimeout} (20 s): a client that declares a body and never sends it holds a thread for 20 s, a
 * few dozen such clients hold them all. {@code Connection: close} alone does not stop that read on a synchronous
 * request; it does once the request is asynchronous: when an async request completes, Tomcat closes a connection it
 * will not keep alive without reading what is left ({@code Http11Processor.dispatchEndRequest}).
 *
 * <p>So an answer to such a request carries {@code Connection: close} and the request ends through
 * {@code startAsync()} and {@code complete()}. Tomcat then closes the connection at once; Jetty honours the header
 * too. Requests without a body ({@code Content-Length} absent or 0, no {@code Transfer-Encoding}) and HTTP/2 are left
 * as they are: keep-alive clients keep their connection.
 */
final class UnreadBody {
    private UnreadBody() {
    }

    /**
     * Whether {@code req} declares a body that nothing has read: it has a {@code Content-Length} above 0 or a
     * {@code Transfer-Encoding}, arrived over HTTP/1.x, and has not gone async (the only way a body gets read here).
     */
    static boolean pending(HttpServletRequest req) {
        if (req.isAsyncStarted() || !req.getProtocol().startsWith("HTTP/1.")) {
            return false;
        }
        return req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
    }

    /**
     * Answers {@code e} ({@link ApiErrors#send}); when the body is {@link #pending}, with {@code Connection: close}
     * and the request ended asynchronously, so the container closes the connection without reading the body.
     */
    static void refuse(HttpServletRequest req, HttpServletResponse resp, ApiException e) throws IOException {
        boolean close = pending(req) && !resp.isCommitted();
        if (close) {
            closeAfter(resp);
        }
        ApiErrors.send(resp, e);
        if (close) {
            end(req);
        }
    }

    /** Asks the container to close the connection after this response; call before anything is written. */
    static void closeAfter(HttpServletResponse resp) {
        resp.setHeader("Connection", "close");
    }

    /**
     * Ends a request answered synchronously (its response marked {@link #closeAfter}) through {@code startAsync()}
     * and {@code complete()}: the container sends what was written and closes without reading the body. Nothing
     * happens for a request that is already async or whose chain does not support it (then the container behaves
     * as it would have).
     */
    static void end(HttpServletRequest req) {
        if (req.isAsyncStarted() || !req.isAsyncSupported()) {
            return;
        }
        try {
            req.startAsync().complete();
        } catch (IllegalStateException ignored) {
            // the container would not start it; it ends the request its own way
        }
    }
}
