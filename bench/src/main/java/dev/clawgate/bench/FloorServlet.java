package dev.clawgate.bench;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor of the benchmark: a bare async servlet in the same container that reads the body and answers the bytes
 * the echo agent answers (captured from the gateway by bench/run.sh) with the same non-blocking write, and nothing
 * else: no parsing, routing, auth or logging. Init params {@code jsonFile} and {@code sseFile} name the two bodies; a
 * body containing {@code "stream":true} gets the SSE one.
 */
public final class FloorServlet extends HttpServlet {
    private static final byte[] STREAM = "\"stream\":true".getBytes(StandardCharsets.US_ASCII);
    private byte[] json;
    private byte[] sse;

    @Override
    public void init() throws ServletException {
        try {
            json = Files.readAllBytes(Path.of(getServletContext().getInitParameter("jsonFile")));
            sse = Files.readAllBytes(Path.of(getServletContext().getInitParameter("sseFile")));
        } catch (IOException e) {
            throw new ServletException(e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readAllBytes();
        }
        boolean stream = indexOf(body, STREAM) >= 0;
        byte[] reply = stream ? sse : json;
        resp.setStatus(200);
        if (stream) {
            resp.setContentType("text/event-stream; charset=utf-8");
            resp.setHeader("Cache-Control", "no-cache");
        } else {
            resp.setContentType("application/json; charset=utf-8");
            resp.setContentLength(reply.length);
        }
        AsyncContext async = req.startAsync();
        ServletOutputStream out = resp.getOutputStream();
        out.setWriteListener(new WriteListener() {
            private boolean written;

            @Override
            public void onWritePossible() throws IOException {
                while (out.isReady()) {
                    if (!written) {
                        written = true;
                        out.write(reply);
                    } else {
                        async.complete();
                        return;
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                async.complete();
            }
        });
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
