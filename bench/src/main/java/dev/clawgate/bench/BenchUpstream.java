package dev.clawgate.bench;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A fast local OpenAI-compatible upstream for the benchmark (Jetty core, no servlets): {@code POST
 * .../chat/completions} answers fixed bytes, one JSON body, or an SSE stream when the body holds
 * {@code "stream":true}; model {@code long} always gets a stream of {@value #LONG_CHUNKS} content chunks, written
 * back to back (the relay cell). Non-blocking throughout: a paced stream holds no thread.
 *
 * <p>Usage: {@code BenchUpstream <port> <text> <delayMs>}: binds 127.0.0.1:port; {@code delayMs} [0] is the pause
 * before each content chunk of a stream (the pacing knob for slow streams).
 */
public final class BenchUpstream {
    /** Content chunks of the stream answered to model {@code long} (the relay cell: CPU per relayed chunk). */
    static final int LONG_CHUNKS = 1000;

    private BenchUpstream() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String text = args[1];
        long delayMs = args.length > 2 ? Long.parseLong(args[2]) : 0;
        byte[] completion = Replies.completion(text);
        List<byte[]> frames = Replies.streamFrames(text);
        List<byte[]> longFrames = Replies.longStreamFrames(LONG_CHUNKS);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-upstream-timer");
            t.setDaemon(true);
            return t;
        });

        QueuedThreadPool pool = new QueuedThreadPool(16, 4);
        pool.setName("bench-upstream");
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(300_000);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!"POST".equals(request.getMethod())
                        || !request.getHttpURI().getPath().endsWith("/chat/completions")) {
                    Response.writeError(request, response, callback, 404);
                    return true;
                }
                Content.Source.asString(request, java.nio.charset.StandardCharsets.UTF_8,
                        new org.eclipse.jetty.util.Promise<>() {
                            @Override
                            public void succeeded(String body) {
                                String compact = body.replace(" ", "");
                                if (compact.contains("\"model\":\"long\"")) {
                                    stream(response, callback, longFrames, 0, timer);
                                } else if (compact.contains("\"stream\":true")) {
                                    stream(response, callback, frames, delayMs, timer);
                                } else {
                                    response.setStatus(200);
                                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, completion.length);
                                    response.write(true, ByteBuffer.wrap(completion), callback);
                                }
                            }

                            @Override
                            public void failed(Throwable x) {
                                callback.failed(x);
                            }
                        });
                return true;
            }
        });
        server.start();
        System.out.println("bench-upstream listening on 127.0.0.1:" + connector.getLocalPort());
        server.join();
    }

    private static void stream(Response response, Callback done, List<byte[]> frames, long delayMs,
                               ScheduledExecutorService timer) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        new Object() {
            int next;

            void write() {
                byte[] frame = frames.get(next++);
                boolean last = next == frames.size();
                response.write(last, ByteBuffer.wrap(frame), Callback.from(() -> {
                    if (last) {
                        done.succeeded();
                    } else if (delayMs > 0 && next < frames.size() - 2) {
                        timer.schedule(this::write, delayMs, TimeUnit.MILLISECONDS);
                    } else {
                        write();
                    }
                }, done::failed));
            }
        }.write();
    }
}
