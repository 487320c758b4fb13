package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The non-blocking body reader on a scripted input stream: the test plays the container's read callbacks. */
class BodyReaderTest {
    /** An input stream that has only the bytes the test has delivered so far. */
    static final class ScriptedInput extends ServletInputStream {
        final ArrayDeque<Byte> available = new ArrayDeque<>();
        ReadListener listener;
        boolean finished;

        void deliver(String s) {
            for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                available.add(b);
            }
        }

        @Override
        public boolean isFinished() {
            return finished && available.isEmpty();
        }

        @Override
        public boolean isReady() {
            return !available.isEmpty();
        }

        @Override
        public void setReadListener(ReadListener readListener) {
            listener = readListener;
        }

        @Override
        public int read() {
            Byte b = available.poll();
            return b == null ? -1 : b & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            int n = 0;
            while (n < len && !available.isEmpty()) {
                buf[off + n++] = available.poll();
            }
            return n;
        }
    }

    private final ScriptedInput in = new ScriptedInput();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final HttpServletResponse response = mock(HttpServletResponse.class);
    private final AsyncContext async = mock(AsyncContext.class);
    private final AtomicReference<String> body = new AtomicReference<>();

    BodyReaderTest() throws Exception {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getInputStream()).thenReturn(in);
        when(async.getRequest()).thenReturn(request);
        when(async.getResponse()).thenReturn(response);
        when(response.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                sent.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }
        });
    }

    private BodyReader start(long maxBytes, long declared) throws Exception {
        return BodyReader.start(async, maxBytes, declared,
                b -> body.set(new String(b.bytes(), 0, b.length(), StandardCharsets.UTF_8)));
    }

    @Test
    void aBodyThatArrivesInPiecesIsHandedOverWholeOnceAllOfItIsRead() throws Exception {
        start(1_000, -1);
        in.deliver("{\"messages\":");
        in.listener.onDataAvailable();
        assertNull(body.get(), "nothing is handed over before the end");
        in.deliver("[]}");
        in.listener.onDataAvailable();
        in.listener.onAllDataRead();
        assertEquals("{\"messages\":[]}", body.get());
    }

    @Test
    void aChunkedBodyThatPassesTheLimitIsAnswered413AndCompleted() throws Exception {
        start(8, -1);
        in.deliver("0123456789");
        in.listener.onDataAvailable();
        verify(response).setStatus(413);
        verify(async).complete();
        assertTrue(sent.toString(StandardCharsets.UTF_8).contains("\"code\":\"request_too_large\""));
        in.listener.onAllDataRead();
        assertNull(body.get());
    }

    @Test
    void aBodyThatDoesNotArriveBeforeTheTimeoutIsAnswered408() throws Exception {
        BodyReader reader = start(1_000, 10);
        in.deliver("{\"me");
        in.listener.onDataAvailable();
        reader.onTimeout(new AsyncEvent(async));
        verify(response).setStatus(408);
        assertTrue(sent.toString(StandardCharsets.UTF_8).contains("\"code\":\"request_timeout\""));
    }

    @Test
    void afterTheHandOffTheExchangeGetsTheContainersEvents() throws Exception {
        BodyReader reader = start(1_000, -1);
        in.listener.onAllDataRead();
        AsyncListener exchange = mock(AsyncListener.class);
        reader.handOff(exchange);
        AsyncEvent event = new AsyncEvent(async);
        reader.onTimeout(event);
        reader.onError(event);
        reader.onComplete(event);
        verify(exchange).onTimeout(event);
        verify(exchange).onError(event);
        verify(exchange).onComplete(event);
    }
}
