package dev.clawgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.io.content.AsyncContent;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class ContentReaderTest {
    private final AsyncContent content = new AsyncContent();
    private final List<String> log = new ArrayList<>();
    private final List<Throwable> aborted = new ArrayList<>();
    private final Response response = (Response) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Response.class}, (proxy, method, args) -> {
                if (method.getName().equals("abort")) {
                    aborted.add((Throwable) args[0]);
                    return CompletableFuture.completedFuture(true);
                }
                return null;
            });
    private boolean sinkFull;
    private Runnable resume;
    private Runnable duringFlush;
    private ContentReader.Step step = ContentReader.Step.ASK_SINK;
    private int depth;
    private int deepest;

    private final ContentReader.Handler handler = new ContentReader.Handler() {
        @Override
        public ContentReader.Step take(ByteBuffer bytes) {
            deepest = Math.max(deepest, ++depth);
            log.add("take " + StandardCharsets.UTF_8.decode(bytes));
            depth--;
            return step;
        }

        @Override
        public void flush() {
            log.add("flush");
            Runnable r = duringFlush;
            duringFlush = null;
            if (r != null) {
                r.run();
            }
        }

        @Override
        public void whenReady(Runnable next) {
            if (sinkFull) {
                log.add("wait");
                resume = next;
            } else {
                next.run();
            }
        }

        @Override
        public void waiting(boolean waiting) {
            log.add(waiting ? "waiting" : "going on");
        }
    };

    private void write(String text) {
        write(false, text);
    }

    private void write(boolean last, String text) {
        content.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
    }

    private void start() {
        new ContentReader(response, content, handler).start();
    }

    @Test
    void everyChunkAtHandIsTakenBeforeOneFlush() {
        write("a");
        write("b");
        write("c");
        start();
        assertEquals(List.of("take a", "waiting", "going on", "take b", "waiting", "going on", "take c", "waiting",
                "going on", "flush"), log);
    }

    @Test
    void aChunkThatArrivesLaterIsReadOnDemandAndFlushedOnItsOwn() {
        write("a");
        start();
        log.clear();
        write("b");
        assertEquals(List.of("take b", "waiting", "going on", "flush"), log);
    }

    @Test
    void aFullSinkStopsTheReadAfterAFlushUntilItResumes() {
        sinkFull = true;
        write("a");
        write("b");
        start();
        assertEquals(List.of("take a", "waiting", "wait", "flush"), log);
        log.clear();
        sinkFull = false;
        Runnable r = resume;
        resume = null;
        r.run();
        assertEquals(List.of("going on", "take b", "waiting", "going on", "flush"), log);
    }

    @Test
    void aResumeWhileTheReadFlushesLetsTheSameLoopGoOn() {
        sinkFull = true;
        write("a");
        write("b");
        duringFlush = () -> {
            sinkFull = false;
            resume.run(); // the client took the bytes while the loop was still flushing them
        };
        start();
        assertEquals(List.of("take a", "waiting", "wait", "flush", "going on", "take b", "waiting", "going on",
                "flush"), log);
        assertEquals(1, deepest, "one loop, not one loop inside another");
    }

    @Test
    void theLastChunkEndsTheReadWithAFlush() {
        write("a");
        write(true, "b");
        start();
        assertEquals(List.of("take a", "waiting", "going on", "take b", "flush"), log);
    }

    @Test
    void aStoppedRunReadsNothingMore() {
        step = ContentReader.Step.STOP;
        write("a");
        write("b");
        start();
        assertEquals(List.of("take a", "flush"), log);
        assertNotNull(content.read(), "the rest is left to the aborted exchange");
    }

    @Test
    void readOnTakesTheNextChunkWithoutAskingTheSink() {
        step = ContentReader.Step.READ_ON;
        sinkFull = true;
        write("a");
        write("b");
        start();
        assertEquals(List.of("take a", "take b", "flush"), log);
        assertNull(resume);
    }

    @Test
    void aFailedContentAbortsTheResponse() {
        IOException failure = new IOException("connection reset");
        content.fail(failure);
        start();
        assertEquals(List.of(failure), aborted);
        assertEquals(List.of("flush"), log);
    }
}
