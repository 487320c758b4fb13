package dev.clawgate.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A fake OpenAI-compatible upstream: a real HTTP/1.1 server on 127.0.0.1 (plain sockets, one thread per connection,
 * one request per connection) that answers {@code POST /v1/chat/completions} with whatever {@link Reply} the test set,
 * streaming real SSE in chunked encoding (or one JSON body: {@link Reply#json}, for {@code /v1/embeddings}). It records every request (head and body) and, for each connection, the
 * moment the client closed it ({@link #awaitClientClose}), which is how tests see a cancel reach the upstream.
 */
public final class FakeUpstream implements AutoCloseable {
    /** One received request: lower-cased header names, raw body. */
    public record Received(String method, String path, Map<String, String> headers, String body) {
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-upstream");
        t.setDaemon(true);
        return t;
    });
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Long> clientCloses = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Long> repliesWritten = new LinkedBlockingQueue<>();
    private final List<Socket> open = new ArrayList<>();
    private volatile Function<Received, Reply> replies = r -> Reply.sse(Reply.content("hello"), Reply.finish("stop"));

    private FakeUpstream(int port) throws IOException {
        server = new ServerSocket();
        // a fixed port is reused by the next container IT class: the last one's closed connections sit in TIME_WAIT
        server.setReuseAddress(true);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        threads.execute(this::acceptLoop);
    }

    public static FakeUpstream start() throws IOException {
        return new FakeUpstream(0);
    }

    /** On a fixed loopback port: for a container configured before the test starts (the container ITs). */
    public static FakeUpstream start(int port) throws IOException {
        return new FakeUpstream(port);
    }

    /** The base URL to configure: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    /** Every following request gets {@code reply}. */
    public void reply(Reply reply) {
        replies = r -> reply;
    }

    /** Every following request gets what {@code script} makes of it. */
    public void reply(Function<Received, Reply> script) {
        replies = script;
    }

    /** The next request received (waits up to 5 s), in arrival order; null when none came. */
    public Received nextRequest() throws InterruptedException {
        return received.poll(5, TimeUnit.SECONDS);
    }

    /** The bodies of every request received and not yet taken, oldest first (no wait). */
    public List<String> pollRequestBodies() {
        List<String> out = new ArrayList<>();
        Received r;
        while ((r = received.poll()) != null) {
            out.add(r.body());
        }
        return out;
    }

    /** The next request already received, or null (no wait). */
    public Received pollRequest() {
        return received.poll();
    }

    /**
     * Waits for a client to close a connection whose response was still open (hold-open or silent replies).
     *
     * @return the {@link System#nanoTime()} when the close was seen, or -1 when none within the timeout
     */
    public long awaitClientClose(long timeout, TimeUnit unit) throws InterruptedException {
        Long at = clientCloses.poll(timeout, unit);
        return at == null ? -1 : at;
    }

    /** Waits until a whole 200 reply has been written to its client; false when none within the timeout. */
    public boolean awaitReplyWritten(long timeout, TimeUnit unit) throws InterruptedException {
        return repliesWritten.poll(timeout, unit) != null;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (open) {
                    open.add(s);
                }
                threads.execute(() -> serve(s));
            } catch (IOException | RuntimeException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            Received request = readRequest(in);
            if (request == null) {
                return;
            }
            received.add(request);
            Reply reply = replies.apply(request);
            OutputStream out = socket.getOutputStream();
            if (!reply.silent()) {
                writeReply(out, reply);
                repliesWritten.add(System.nanoTime());
            }
            if (reply.silent() || reply.holdOpen()) {
                while (in.read() >= 0) {
                    // an HTTP/1.1 client sends nothing more on this connection; EOF = it closed
                }
                clientCloses.add(System.nanoTime());
            }
        } catch (SocketException closedByClient) {
            clientCloses.add(System.nanoTime());
        } catch (IOException | InterruptedException e) {
            // the test sees the effect
        } finally {
            synchronized (open) {
                open.remove(socket);
            }
        }
    }

    private static void writeReply(OutputStream out, Reply reply) throws IOException, InterruptedException {
        String eol = reply.eol();
        boolean plainBody = reply.status() != 200 || reply.json();
        StringBuilder head = new StringBuilder("HTTP/1.1 " + reply.status() + " X\r\n");
        head.append("Content-Type: ").append(plainBody ? "application/json" : "text/event-stream").append("\r\n");
        reply.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (plainBody) {
            byte[] body = reply.errorBody().getBytes(StandardCharsets.UTF_8);
            head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return;
        }
        head.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> events = new ArrayList<>();
        if (reply.comment()) {
            events.add(": keep-alive from the fake" + eol + "event: message" + eol);
        }
        for (String data : reply.events()) {
            events.add("data: " + data.replace("\n", eol + "data: ") + eol + eol);
        }
        if (reply.done()) {
            events.add("data: [DONE]" + eol + eol);
        }
        for (int i = 0; i < events.size(); i++) {
            if (i == reply.dropAfter()) {
                return;
            }
            if (reply.delayMs() > 0) {
                TimeUnit.MILLISECONDS.sleep(reply.delayMs());
            }
            chunk(out, events.get(i));
        }
        if (!reply.holdOpen()) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static void chunk(OutputStream out, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static Received readRequest(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String h;
        while ((h = line(in)) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String[] parts = requestLine.split(" ");
        return new Received(parts[0], parts[1], headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (open) {
            for (Socket s : open) {
                s.close();
            }
        }
        threads.shutdownNow();
    }
}
