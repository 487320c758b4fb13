package dev.clawgate.upstream;

import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The Jetty {@link HttpClient} of one provider (one client per provider, so providers share no connection pool or
 * threads), started at construction and stopped, with every thread it started, by {@link #close()}.
 *
 * <ul>
 *   <li>Threads: a {@link QueuedThreadPool} of {@value #MIN_THREADS}–{@value #MAX_THREADS} daemon threads named
 *       {@code clawgate-upstream-<provider>-N}; the one selector runs on that pool, and the client's timers (connect
 *       and idle timeouts) on the gateway's shared scheduler, so the client has no timer thread. The transport is
 *       declared {@code NON_BLOCKING}: the response listeners (headers, content, completion) are short and never
 *       block, so they run on the selector thread itself, without a hand-off to another thread per network read;
 *       one thread carries thousands of streams.</li>
 *   <li>HTTP/1.1 only, no redirects followed, no protocol handlers (a 401 or 407 reaches the provider as it came),
 *       no cookies kept, no {@code Accept-Encoding} (the SSE stream arrives as sent), {@code User-Agent: clawgate}.
 *       </li>
 *   <li>Up to {@value #MAX_CONNECTIONS} connections and as many queued requests per upstream address: each
 *       streaming run holds its connection for the whole stream.</li>
 *   <li>Connect timeout: the provider's {@code timeoutMs}. No idle timeout on a running exchange: the provider's own
 *       silence timer owns that (it does not count time a slow client made it pause); idle pooled connections close
 *       after {@value #POOL_IDLE_MS} ms.</li>
 * </ul>
 * The client is created while the thread's context class loader is the webapp loader's parent, so threads it
 * starts do not carry the webapp loader (Tomcat's leak detector); they end at {@link #close()} anyway.
 */
final class UpstreamHttp implements AutoCloseable {
    static final int MIN_THREADS = 2;
    static final int MAX_THREADS = 8;
    static final int MAX_CONNECTIONS = 10_000;
    static final long POOL_IDLE_MS = 30_000;

    private final HttpClient client;

    /**
     * @param name             provider name, used in thread names
     * @param connectTimeoutMs longest wait for a TCP connection, ms
     * @param timer            the gateway's shared scheduler, for the client's timeouts
     */
    UpstreamHttp(String name, long connectTimeoutMs, dev.clawgate.time.Scheduler timer) {
        Thread current = Thread.currentThread();
        ClassLoader saved = current.getContextClassLoader();
        ClassLoader webapp = UpstreamHttp.class.getClassLoader();
        current.setContextClassLoader(webapp == null || webapp.getParent() == null
                ? ClassLoader.getPlatformClassLoader() : webapp.getParent());
        try {
            QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
            threads.setName("clawgate-upstream-" + name);
            threads.setDaemon(true);
            Scheduler timers = new SharedTimer(timer);
            ClientConnector connector = new ClientConnector();
            connector.setSelectors(1);
            connector.setExecutor(threads);
            connector.setScheduler(timers);
            HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
            // every response listener of ours is short and never blocks: run them on the selector thread instead of
            // handing each network read to a pool thread (and the selector's production to a reserved one)
            transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
            client = new HttpClient(transport);
            client.setExecutor(threads);
            client.setScheduler(timers);
            client.setFollowRedirects(false);
            client.setConnectTimeout(connectTimeoutMs);
            client.setIdleTimeout(POOL_IDLE_MS);
            client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
            client.setMaxRequestsQueuedPerDestination(MAX_CONNECTIONS);
            client.setHttpCookieStore(new HttpCookieStore.Empty());
            client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "clawgate"));
            client.getProtocolHandlers().clear();
            client.getContentDecoderFactories().clear();
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client of provider " + name, e);
        } finally {
            current.setContextClassLoader(saved);
        }
    }

    /** The started client. */
    HttpClient client() {
        return client;
    }

    /** Stops the client: aborts its exchanges, closes its connections and ends its threads. */
    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            System.getLogger(UpstreamHttp.class.getName()).log(System.Logger.Level.WARNING,
                    "clawgate: upstream HTTP client did not stop cleanly: " + e.getClass().getName());
        }
    }

    /** Jetty's {@link Scheduler} over the gateway's scheduler; stopping it leaves that scheduler running. */
    private static final class SharedTimer extends AbstractLifeCycle implements Scheduler {
        private final dev.clawgate.time.Scheduler executor;

        SharedTimer(dev.clawgate.time.Scheduler executor) {
            this.executor = executor;
        }

        @Override
        public Task schedule(Runnable task, long delay, TimeUnit unit) {
            dev.clawgate.time.Scheduler.Task t = executor.schedule(task, delay, unit);
            return t::cancel;
        }
    }
}
