package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
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
import dev.clawgate.openai.ApiException;
import dev.clawgate.time.FakeScheduler;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
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

    private final FakeScheduler scheduler = new FakeScheduler();
    private final BodyBudget budget = new BodyBudget(64L * 1024 * 1024);

    private BodyReader start(long maxBytes, long declared) throws Exception {
        return start(new BodyLimits(maxBytes, 30_000, budget, scheduler), declared);
    }

    private BodyReader start(BodyLimits limits, long declared) throws Exception {
        return BodyReader.start(async, limits, declared,
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
    void aTrickledUploadThatDeclares20MiBHoldsOnlyAboutWhatHasArrived() throws Exception {
        long declared = 20L * 1024 * 1024;
        BodyReader reader = start(declared, declared);
        assertEquals(BodyReader.INITIAL_BYTES, reader.capacity(), "nothing is allocated for the declared length");
        assertEquals(BodyReader.INITIAL_BYTES, budget.inUse());
        int arrived = 0;
        for (int i = 0; i < 64; i++) {
            in.deliver("x".repeat(1024));
            arrived += 1024;
            in.listener.onDataAvailable();
            assertTrue(reader.capacity() <= Math.max(BodyReader.INITIAL_BYTES, 2 * arrived),
                    "capacity " + reader.capacity() + " after " + arrived + " bytes");
            assertEquals(reader.capacity(), budget.inUse(), "the budget holds exactly the buffer");
        }
        reader.onError(new java.io.IOException("client gone"));
        assertEquals(0, budget.inUse(), "a failed read gives its bytes back");
    }

    @Test
    void aBodyNeverGrowsPastItsDeclaredLength() throws Exception {
        BodyReader reader = start(1_000_000, 20_000);
        in.deliver("y".repeat(20_000));
        in.listener.onDataAvailable();
        assertEquals(20_000, reader.capacity());
        in.listener.onAllDataRead();
        assertEquals(20_000, body.get().length());
        assertEquals(0, budget.inUse(), "a parsed body gives its bytes back");
    }

    @Test
    void aSpentBudgetRefusesANewBodyWith503AndTakesBodiesAgainOnceOneEnds() throws Exception {
        BodyBudget small = new BodyBudget(2L * BodyReader.INITIAL_BYTES);
        BodyLimits limits = new BodyLimits(1_000_000, 30_000, small, scheduler);
        BodyReader first = start(limits, -1);
        in.deliver("z".repeat(BodyReader.INITIAL_BYTES + 1));
        in.listener.onDataAvailable();
        assertEquals(2L * BodyReader.INITIAL_BYTES, small.inUse(), "the first body doubled into the whole budget");

        ApiException refused = assertThrows(ApiException.class, () -> start(limits, 100));
        assertEquals(503, refused.status());
        assertEquals("service_unavailable", refused.type());
        assertEquals("body_budget_exhausted", refused.code());
        assertEquals(1L, refused.retryAfterSeconds());
        assertEquals(2L * BodyReader.INITIAL_BYTES, small.inUse(), "a refused body takes nothing");

        in.listener.onAllDataRead();
        assertEquals(BodyReader.INITIAL_BYTES + 1, body.get().length());
        assertEquals(0, small.inUse());
        assertTrue(first.capacity() == 0);
        start(limits, 100);
        assertEquals(100, small.inUse(), "after the first body ended a new one is taken");
    }

    @Test
    void aBodyThatWouldGrowPastTheBudgetIsAnswered503() throws Exception {
        BodyBudget small = new BodyBudget(2L * BodyReader.INITIAL_BYTES);
        BodyReader reader = start(new BodyLimits(1_000_000, 30_000, small, scheduler), -1);
        in.deliver("z".repeat(2 * BodyReader.INITIAL_BYTES + 1));
        in.listener.onDataAvailable();
        in.listener.onDataAvailable();
        verify(response).setStatus(503);
        verify(response).setHeader("Retry-After", "1");
        verify(async).complete();
        assertTrue(sent.toString(StandardCharsets.UTF_8).contains("\"code\":\"body_budget_exhausted\""));
        assertEquals(0, small.inUse());
        assertEquals(0, reader.capacity());
    }

    @Test
    void aBodyThatHasNotArrivedByTheBodyDeadlineIsAnswered408OnTheSchedulersClock() throws Exception {
        start(new BodyLimits(1_000, 30_000, budget, scheduler), 100);
        in.deliver("{\"me");
        in.listener.onDataAvailable();
        scheduler.advance(29_999, TimeUnit.MILLISECONDS);
        verify(response, never()).setStatus(408);
        scheduler.advance(1, TimeUnit.MILLISECONDS);
        verify(response).setStatus(408);
        verify(async).complete();
        assertTrue(sent.toString(StandardCharsets.UTF_8).contains("\"code\":\"request_timeout\""));
        assertEquals(0, budget.inUse());
        in.deliver("ssages\":[]}");
        in.listener.onDataAvailable();
        in.listener.onAllDataRead();
        assertNull(body.get(), "a body that arrives after the deadline is not handed over");
    }

    @Test
    void aBodyThatArrivesInTimeCancelsItsDeadline() throws Exception {
        start(new BodyLimits(1_000, 30_000, budget, scheduler), -1);
        in.deliver("{}");
        in.listener.onDataAvailable();
        in.listener.onAllDataRead();
        assertEquals(0, scheduler.pending());
        scheduler.advance(1, TimeUnit.HOURS);
        verify(response, never()).setStatus(408);
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
