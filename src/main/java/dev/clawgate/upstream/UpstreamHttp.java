package dev.clawgate.upstream;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK {@link HttpClient} of one provider, built so that undeploying the WAR leaves no thread of it behind, even
 * on Java 17 where the client has no {@code close()}.
 *
 * <ul>
 *   <li>Every callback of the client (response handlers, body subscribers, completions) runs on an executor this
 *       class owns: at most {@link #THREADS} daemon threads named {@code clawgate-upstream-<provider>-N}, which
 *       time out when idle and are shut down (and awaited) by {@link #close()}.</li>
 *   <li>The client's own selector thread ({@code HttpClient-N-SelectorManager}) is started while the creating
 *       thread's context class loader is the webapp loader's <em>parent</em>: the thread inherits that loader, so it
 *       neither pins the webapp class loader nor is reported by Tomcat's leak detector against the webapp.</li>
 *   <li>{@link #close()} drops the client; on Java 21+ it first calls {@code shutdownNow()} and
 *       {@code awaitTermination} reflectively, which stop the selector thread at once. On Java 17 the selector
 *       thread ends by itself once the dropped client is garbage-collected (the JDK keeps it alive only while the
 *       client is referenced or has exchanges in flight, and the provider cancels every run before closing).</li>
 * </ul>
 * Requests use HTTP/1.1, so cancelling a body subscription closes the upstream connection at once.
 */
final class UpstreamHttp implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UpstreamHttp.class.getName());
    /** Most executor threads per provider; callbacks are short and never block. */
    static final int THREADS = 2;

    private final ThreadPoolExecutor executor;
    private volatile HttpClient client;

    /** @param name provider name, used in thread names */
    UpstreamHttp(String name) {
        ClassLoader webapp = UpstreamHttp.class.getClassLoader();
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "clawgate-upstream-" + name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(webapp);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        Thread current = Thread.currentThread();
        ClassLoader saved = current.getContextClassLoader();
        ClassLoader parent = webapp == null || webapp.getParent() == null
                ? ClassLoader.getPlatformClassLoader() : webapp.getParent();
        current.setContextClassLoader(parent);
        try {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(executor)
                    .build();
        } finally {
            current.setContextClassLoader(saved);
        }
    }

    /** The client; only valid until {@link #close()}. */
    HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            throw new IllegalStateException("provider closed");
        }
        return c;
    }

    /** The executor the client calls back on (tests check it stops). */
    ThreadPoolExecutor executor() {
        return executor;
    }

    /** Stops the client (Java 21+) and the executor, waiting up to 5 s for its threads. */
    @Override
    public void close() {
        HttpClient c = client;
        client = null;
        if (c != null) {
            shutdownNow(c);
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "clawgate: upstream threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code HttpClient.shutdownNow()} + {@code awaitTermination(1 s)} where the runtime has them (Java 21+). */
    static boolean shutdownNow(HttpClient c) {
        try {
            Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
            shutdownNow.invoke(c);
            Method await = HttpClient.class.getMethod("awaitTermination", Duration.class);
            await.invoke(c, Duration.ofSeconds(1));
            return true;
        } catch (NoSuchMethodException java17) {
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "clawgate: HttpClient shutdown failed: " + e.getClass().getName());
            return false;
        }
    }
}
