package dev.clawgate.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare HTTP/1.1 client on a socket, for asserting exact bytes on the wire (status line, headers, chunks). */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    public RawHttp(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
    }

    /** Fails a read that waits longer than {@code ms} (a guard against a server that never answers). */
    public RawHttp readTimeout(int ms) throws IOException {
        socket.setSoTimeout(ms);
        return this;
    }

    /** Whether the server has closed the connection: the next read finds the end of the stream. */
    public boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    /** Reads the response on a socket the caller opened and wrote to itself. */
    public static RawHttp over(Socket socket) throws IOException {
        return new RawHttp(socket);
    }

    public void get(String path, String... headers) throws IOException {
        request("GET", path, headers);
    }

    /** Sends a request without a body, with any method and path exactly as given (odd ones included). */
    public void request(String method, String path, String... headers) throws IOException {
        StringBuilder h = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        h.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void post(String path, String body, String... headers) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        h.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        out.write(b);
        out.flush();
    }

    /** Reads one line (without CRLF) of the raw response. */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        if (c < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Reads the status line and headers; returns them as one string, lower-cased header names kept as sent. */
    public String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            head.append(line).append('\n');
        }
        return head.toString();
    }

    /** Reads a chunked body to its end and returns the de-chunked text. */
    public String readChunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = readLine();
            if (size == null) {
                break;
            }
            int n = Integer.parseInt(size.trim(), 16);
            if (n == 0) {
                readLine();
                break;
            }
            body.write(in.readNBytes(n));
            readLine();
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Reads a body of the {@code Content-Length} given in {@code head} (as returned by {@link #readHead()}). */
    public String readFixedBody(String head) throws IOException {
        for (String line : head.split("\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                int n = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                return new String(in.readNBytes(n), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /** Reads the next chunk of a chunked body, or null at its end. */
    public String readChunk() throws IOException {
        String size = readLine();
        if (size == null) {
            return null;
        }
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
            readLine();
            return null;
        }
        String chunk = new String(in.readNBytes(n), StandardCharsets.UTF_8);
        readLine();
        return chunk;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
