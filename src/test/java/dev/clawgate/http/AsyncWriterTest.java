package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The response queue is bounded by bytes, pauses its producer at the low-water mark and fails a stalled client. */
class AsyncWriterTest {
    /** A container output stream that takes bytes only while {@link #ready} is true. */
    static final class ClientStream extends ServletOutputStream {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        boolean ready;
        WriteListener listener;
        /** Calls the writer made on this stream (isReady, write, flush). */
        int touches;

        @Override
        public boolean isReady() {
            touches++;
            return ready;
        }

        @Override
        public void flush() {
            touches++;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            listener = writeListener;
        }

        @Override
        public void write(int b) {
            touches++;
            taken.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            touches++;
            taken.write(b, off, len);
        }

        /** The client caught up: the container says so. */
        void catchUp() {
            ready = true;
            try {
                listener.onWritePossible();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    final ClientStream client = new ClientStream();
    final AtomicInteger completes = new AtomicInteger();
    final List<Throwable> failures = new ArrayList<>();
    final List<Runnable> started = new ArrayList<>();

    AsyncWriter writer(long maxQueuedBytes) throws Exception {
        ServletResponse response = (ServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServletResponse.class}, (p, m, a) -> m.getName().equals("getOutputStream") ? client
                        : null);
        AsyncContext async = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getResponse" -> {
                            return response;
                        }
                        case "complete" -> completes.incrementAndGet();
                        case "start" -> started.add((Runnable) a[0]);
                        default -> {
                        }
                    }
                    return null;
                });
        return new AsyncWriter(async, maxQueuedBytes, failures::add);
    }

    @Test
    void aClientThatStopsReadingFailsTheResponseOnceMaxQueuedBytesWaitUnread() throws Exception {
        AsyncWriter out = writer(4096);
        for (int i = 0; i < 4; i++) {
            assertTrue(out.write(new byte[1024]), "frame " + i + " is below the bound");
        }
        assertEquals(4096, out.queuedBytes());
        assertFalse(out.write(new byte[1]), "the bound is reached: the client is not reading");
        assertTrue(out.failed());
        assertEquals(1, failures.size());
        assertEquals(1, completes.get());
        assertEquals(0, out.queuedBytes(), "a failed response holds nothing");
    }

    @Test
    void manySmallFramesAreFineWhileTheClientReads() throws Exception {
        AsyncWriter out = writer(4096);
        client.ready = true;
        for (int i = 0; i < 20_000; i++) {
            assertTrue(out.write(new byte[100]));
        }
        assertEquals(2_000_000, client.taken.size());
        assertTrue(failures.isEmpty());
    }

    @Test
    void aProducerIsPausedAtTheLowWaterMarkAndResumedOnceTheClientHasTakenTheBytes() throws Exception {
        AsyncWriter out = writer(4096);
        assertEquals(2048, out.lowWaterBytes());
        AtomicInteger resumed = new AtomicInteger();
        out.write(new byte[2047]);
        out.whenDrained(resumed::incrementAndGet);
        assertEquals(1, resumed.get(), "below the low-water mark the producer goes on at once");
        out.write(new byte[1]);
        out.whenDrained(resumed::incrementAndGet);
        assertEquals(1, resumed.get(), "at the low-water mark the producer waits");
        client.catchUp();
        assertEquals(2, resumed.get(), "the client took the bytes: the producer goes on");
        assertEquals(2048, client.taken.size());
    }

    @Test
    void aCorkedWriterSendsWhatItHoldsRatherThanPauseAProducerWhoseClientCanTakeIt() throws Exception {
        AsyncWriter out = writer(4096);
        client.ready = true;
        out.cork();
        out.write(new byte[1024]);
        out.write(new byte[1024]);
        assertEquals(0, client.taken.size(), "corked: held");
        AtomicInteger resumed = new AtomicInteger();
        out.whenDrained(resumed::incrementAndGet);
        assertEquals(2048, client.taken.size(), "the held bytes reached the low-water mark: sent");
        assertEquals(1, resumed.get(), "and the producer goes on at once, on its own thread");
        assertTrue(started.isEmpty());
        out.write(new byte[10]);
        assertEquals(2048, client.taken.size(), "still corked");
        out.uncork();
        assertEquals(2058, client.taken.size());
    }

    @Test
    void aCorkedWriterWhoseClientIsBehindPausesTheProducer() throws Exception {
        AsyncWriter out = writer(4096);
        out.cork();
        out.write(new byte[2048]);
        AtomicInteger resumed = new AtomicInteger();
        out.whenDrained(resumed::incrementAndGet);
        assertEquals(0, resumed.get());
        out.uncork();
        client.catchUp();
        assertEquals(1, resumed.get());
        assertEquals(2048, client.taken.size());
    }

    @Test
    void nothingReachesTheContainersStreamAfterTheContainerEndedTheExchangeNotEvenWhatACorkHeld() throws Exception {
        // the container recycles a response's objects once its listeners return: a later write from the producer's
        // thread could land in the next request's response (a Tomcat soak saw unrelated requests fail with a 500)
        AsyncWriter out = writer(4096);
        client.ready = true;
        out.cork();
        out.write(new byte[100]);
        out.ended();
        int touches = client.touches;
        assertEquals(1, completes.get(), "ended completes the request, as an onError listener must");
        out.uncork();
        assertFalse(out.write(new byte[10]), "the writer has failed: its producer stops");
        out.whenDrained(() -> { });
        out.close();
        out.forceComplete();
        client.catchUp();
        assertEquals(touches, client.touches, "the stream was not touched after the end");
        assertEquals(0, client.taken.size());
        assertEquals(1, completes.get());
        assertEquals(1, failures.size(), "the producer hears once that the client is gone");
    }

    @Test
    void aWriterEndEndsTheWriterOnTheContainersErrorCompletionAndTimeout() throws Exception {
        for (String event : List.of("onError", "onComplete", "onTimeout")) {
            completes.set(0);
            AsyncWriter out = writer(4096);
            jakarta.servlet.AsyncListener l = new WriterEnd(out);
            switch (event) {
                case "onError" -> l.onError(null);
                case "onComplete" -> l.onComplete(null);
                default -> l.onTimeout(null);
            }
            assertTrue(out.failed(), event);
            assertFalse(out.write(new byte[1]), event);
            assertEquals(1, completes.get(), event);
        }
    }

    @Test
    void oneFrameLargerThanTheBoundIsTakenWhenLittleWaits() throws Exception {
        AsyncWriter out = writer(1024);
        assertTrue(out.write(new byte[100_000]), "a whole JSON body is one write");
        assertFalse(out.failed());
        client.catchUp();
        out.close();
        assertEquals(100_000, client.taken.size());
        assertEquals(1, completes.get());
        assertTrue(failures.isEmpty());
    }
}
