package dev.clawgate.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The cost of the upstream call alone, for each HTTP client the gateway could use (issue 13's "candidates, to be
 * chosen by numbers"): keeps {@code concurrency} streamed chat completions in flight against the bench upstream for
 * {@code seconds} (after as long a warm-up), reads every byte of each answer and nothing more, and prints requests per
 * second and this JVM's CPU per request without the JIT compiler threads.
 *
 * <pre>ClientCost &lt;upstream port&gt; jetty|jdk|hc5 &lt;concurrency&gt; &lt;seconds&gt; [stream|json]</pre>
 *
 * {@code jetty}: Jetty 12's client as the gateway sets it up (one selector, listeners on the selector thread, a pool of
 * 8); {@code jdk}: the JDK's {@code java.net.http.HttpClient} (HTTP/1.1) with a fixed executor of 2 threads;
 * {@code hc5}: Apache HttpClient 5's async client (one I/O reactor thread, the whole answer gathered).
 */
public final class ClientCost {
    private static byte[] body(boolean stream) {
        return ("{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hello\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** The request body: a streamed answer, or with a fifth argument {@code json} a non-streamed one. */
    private static byte[] BODY = body(true);

    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean running = true;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String kind = args[1];
        int concurrency = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        BODY = body(args.length < 5 || !args[4].equals("json"));
        URI uri = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        ClientCost run = new ClientCost();
        Runnable stop;
        if (kind.equals("jetty")) {
            stop = run.jetty(uri, concurrency);
        } else if (kind.equals("jdk")) {
            stop = run.jdk(uri, concurrency);
        } else if (kind.equals("hc5")) {
            stop = run.hc5(uri, concurrency);
        } else {
            throw new IllegalArgumentException("client: jetty, jdk or hc5");
        }
        Thread.sleep(seconds * 1000L); // warm-up
        long n0 = run.done.get();
        long cpu0 = cpuWithoutJit();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long n = run.done.get() - n0;
        long cpu = cpuWithoutJit() - cpu0;
        double s = (System.nanoTime() - t0) / 1e9;
        run.running = false;
        stop.run();
        System.out.printf("client=%s answer=%s c=%d requests=%d rps=%.0f cpu_nojit_us=%.1f failed=%d bytes_per_answer=%d%n",
                kind, args.length > 4 ? args[4] : "stream", concurrency, n, n / s, n == 0 ? 0.0 : cpu / 1e3 / n, run.failed.get(),
                run.done.get() == 0 ? 0 : run.bytes.get() / run.done.get());
    }

    /** CPU time of every live thread of this JVM but the JIT compiler's, ns. */
    private static long cpuWithoutJit() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && !info.getThreadName().contains("CompilerThread")) {
                long t = mx.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, t);
            }
        }
        return total;
    }

    private Runnable jetty(URI uri, int concurrency) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("client");
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(threads);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        HttpClient client = new HttpClient(transport);
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(concurrency);
        client.getProtocolHandlers().clear();
        client.getContentDecoderFactories().clear();
        client.start();
        for (int i = 0; i < concurrency; i++) {
            jettyNext(client, uri);
        }
        return () -> {
            try {
                client.stop();
            } catch (Exception ignored) {
                // ending anyway
            }
        };
    }

    private void jettyNext(HttpClient client, URI uri) {
        if (!running) {
            return;
        }
        long[] got = new long[1];
        client.newRequest(uri).method("POST").body(new BytesRequestContent("application/json", BODY))
                .onResponseContent((Response r, ByteBuffer b) -> got[0] += b.remaining())
                .send((Result result) -> {
                    if (result.isFailed()) {
                        failed.incrementAndGet();
                    } else {
                        done.incrementAndGet();
                        bytes.addAndGet(got[0]);
                    }
                    jettyNext(client, uri);
                });
    }

    private Runnable jdk(URI uri, int concurrency) {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().executor(executor)
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < concurrency; i++) {
            jdkNext(client, uri);
        }
        return () -> {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private Runnable hc5(URI uri, int concurrency) {
        org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client =
                org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
                        .setIOReactorConfig(org.apache.hc.core5.reactor.IOReactorConfig.custom().setIoThreadCount(1)
                                .build())
                        .setConnectionManager(org.apache.hc.client5.http.impl.nio
                                .PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(concurrency)
                                .setMaxConnPerRoute(concurrency).build())
                        .build();
        client.start();
        for (int i = 0; i < concurrency; i++) {
            hc5Next(client, uri);
        }
        return () -> client.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    }

    private void hc5Next(org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client, URI uri) {
        if (!running) {
            return;
        }
        org.apache.hc.client5.http.async.methods.SimpleHttpRequest request =
                org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.post(uri)
                        .setBody(BODY, org.apache.hc.core5.http.ContentType.APPLICATION_JSON).build();
        client.execute(request, new org.apache.hc.core5.concurrent.FutureCallback<
                org.apache.hc.client5.http.async.methods.SimpleHttpResponse>() {
            @Override
            public void completed(org.apache.hc.client5.http.async.methods.SimpleHttpResponse r) {
                if (r.getCode() == 200) {
                    done.incrementAndGet();
                    bytes.addAndGet(r.getBodyBytes() == null ? 0 : r.getBodyBytes().length);
                } else {
                    failed.incrementAndGet();
                }
                hc5Next(client, uri);
            }

            @Override
            public void failed(Exception e) {
                ClientCost.this.failed.incrementAndGet();
                hc5Next(client, uri);
            }

            @Override
            public void cancelled() {
                ClientCost.this.failed.incrementAndGet();
            }
        });
    }

    private void jdkNext(java.net.http.HttpClient client, URI uri) {
        if (!running) {
            return;
        }
        long[] got = new long[1];
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArrayConsumer(b -> b.ifPresent(
                a -> got[0] += a.length))).whenComplete((r, e) -> {
                    if (e != null || r.statusCode() != 200) {
                        failed.incrementAndGet();
                    } else {
                        done.incrementAndGet();
                        bytes.addAndGet(got[0]);
                    }
                    jdkNext(client, uri);
                });
    }
}
