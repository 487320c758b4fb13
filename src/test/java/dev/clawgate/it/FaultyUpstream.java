package dev.clawgate.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An upstream that misbehaves at the byte level, on a raw socket on 127.0.0.1: for each connection it reads one
 * request, plays the current {@link Fault} on the socket's output, then reads until the gateway closes the
 * connection. It counts its open connections, so a test can wait until the gateway has let go of every one
 * ({@link #awaitNoOpenConnections}), and the connections it accepted in all. One thread per connection; a fault that
 * writes forever ends when the gateway closes the connection (its next write fails).
 */
final class FaultyUpstream implements AutoCloseable {
    /** What the upstream sends back once it has read the request. */
    @FunctionalInterface
    interface Fault {
        void play(Socket socket, OutputStream out) throws IOException, InterruptedException;
    }

    /** Longest a connection waits for the gateway to close it after its fault, ms: a leak shows as a count, not a hang. */
    private static final int LINGER_MS = 30_000;

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-upstream");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private int open;
    private int accepted;
    private volatile Fault fault = (socket, out) -> { };

    FaultyUpstream() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        threads.execute(this::acceptLoop);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    /** Every following connection gets {@code next}. */
    void play(Fault next) {
        fault = next;
    }

    /** Connections accepted since the start. */
    int accepted() {
        synchronized (lock) {
            return accepted;
        }
    }

    /** Waits up to {@code timeout} until no connection is open; returns how many still are. */
    int awaitNoOpenConnections(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            long left;
            while (open > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return open;
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (lock) {
                    open++;
                    accepted++;
                }
                threads.execute(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(LINGER_MS);
            InputStream in = socket.getInputStream();
            if (!readRequest(in)) {
                return;
            }
            fault.play(socket, socket.getOutputStream());
            if (!socket.isClosed()) {
                while (in.read() >= 0) {
                    // nothing more comes on this connection; EOF = the gateway closed it
                }
            }
        } catch (SocketTimeoutException leaked) {
            // still open after LINGER_MS: the test sees it in the count it took before
        } catch (IOException | InterruptedException closed) {
            // the gateway closed the connection while the fault was writing
        } finally {
            synchronized (lock) {
                open--;
                lock.notifyAll();
            }
        }
    }

    /** Reads the request head and its Content-Length body; false at EOF. */
    private static boolean readRequest(InputStream in) throws IOException {
        int length = 0;
        String line;
        boolean first = true;
        while ((line = line(in)) != null && !line.isEmpty()) {
            first = false;
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            }
        }
        if (first && line == null) {
            return false;
        }
        in.readNBytes(length);
        return true;
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

    // ---- pieces of faults ----

    /** Writes {@code text} (UTF-8) and flushes. */
    static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes {@code text} as one chunk of a chunked body. */
    static void chunk(OutputStream out, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The head of a 200 chunked event stream. */
    static String streamHead() {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n";
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
