package dev.clawgate.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 client on one keep-alive connection, for sequential latency probes: it adds as little
 * as possible of its own time, and reports when the role chunk and the first content delta of a stream arrived.
 */
final class Http1 implements Closeable {
    /** One response: status, body, and nanoTime stamps (-1 when not seen) relative to the send. */
    record Result(int status, byte[] body, long totalNanos, long roleNanos, long contentNanos) {
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    Http1(String host, int port) {
        this.host = host;
        this.port = port;
    }

    static byte[] post(String path, String token, String body) {
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    Result exchange(byte[] request) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(60_000);
            in = new BufferedInputStream(socket.getInputStream(), 65536);
            out = socket.getOutputStream();
        }
        long t0 = System.nanoTime();
        out.write(request);
        out.flush();
        String statusLine = line();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long[] marks = {-1, -1};
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                if (size == 0) {
                    line();
                    break;
                }
                byte[] chunk = in.readNBytes(size);
                body.write(chunk);
                mark(body, marks, t0);
                line();
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        } else {
            body.write(in.readAllBytes());
            close = true;
        }
        long total = System.nanoTime() - t0;
        if (close) {
            close();
        }
        return new Result(status, body.toByteArray(), total, marks[0], marks[1]);
    }

    private static void mark(ByteArrayOutputStream body, long[] marks, long t0) {
        if (marks[1] >= 0) {
            return;
        }
        String s = body.toString(StandardCharsets.UTF_8);
        long now = System.nanoTime() - t0;
        if (marks[0] < 0 && s.contains("\"role\":\"assistant\"")) {
            marks[0] = now;
        }
        if (s.contains("\"delta\":{\"content\":\"")) {
            marks[1] = now;
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
            socket = null;
        }
    }
}
