package dev.clawgate.upstream;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Reads a response's content from Jetty's {@link Content.Source} for one {@link UpstreamRun}: chunk after chunk while
 * Jetty has bytes at hand and the handler's sink can take more, on whatever thread woke it — the client's selector
 * (Jetty's demand) or the thread that drained the client's writes (the sink's {@code whenReady}) — without a hand-off
 * to another thread. When Jetty has no byte left it {@link Handler#flush() flushes} (so every event of one network
 * read reaches the client in one write) and demands more; when the sink is full it flushes and waits for the sink.
 * One loop runs at a time: a wake-up that arrives while the loop runs tells it to go on instead of starting another.
 * Every chunk read is released.
 */
final class ContentReader {
    /** What the reader does after a chunk. */
    enum Step {
        /** Read the next chunk without asking the sink (an error body, the rest after the end). */
        READ_ON,
        /** Read the next chunk once the sink can take more. */
        ASK_SINK,
        /** Read nothing more (the run ended and its exchange is aborted). */
        STOP
    }

    /** The run's side. Called from one thread at a time. */
    interface Handler {
        /** Takes one chunk's bytes (all of them). */
        Step take(ByteBuffer bytes);

        /** The bytes at hand are used up, or the reader waits for the sink: send what the sink holds. */
        void flush();

        /** Runs {@code resume} once the sink can take more (at once when it can now). */
        void whenReady(Runnable resume);

        /** The reader waits for the sink ({@code true}), or goes on after waiting ({@code false}). */
        void waiting(boolean waiting);
    }

    private static final int PAUSED = 0;
    private static final int RUNNING = 1;
    private static final int RESUMED = 2;

    private final Response response;
    private final Content.Source source;
    private final Handler handler;
    /** {@link #PAUSED} (waiting for content or for the sink), {@link #RUNNING}, or running and asked to go on. */
    private final AtomicInteger state = new AtomicInteger(PAUSED);
    /** Jetty's demand callback and the sink's resume: runs on the calling thread and never blocks. */
    private final Invocable.Task wake = Invocable.from(Invocable.InvocationType.NON_BLOCKING, this::wake);
    /** Whether the loop stopped to wait for the sink; touched by the running loop only. */
    private boolean waiting;

    ContentReader(Response response, Content.Source source, Handler handler) {
        this.response = response;
        this.source = source;
        this.handler = handler;
    }

    /** Starts reading. */
    void start() {
        wake();
    }

    /** Runs the loop, or tells the running loop to go on. */
    private void wake() {
        while (true) {
            int now = state.get();
            if (now == PAUSED) {
                if (state.compareAndSet(PAUSED, RUNNING)) {
                    read();
                    return;
                }
            } else if (state.compareAndSet(now, RESUMED)) {
                return;
            }
        }
    }

    private void read() {
        if (waiting) {
            waiting = false;
            handler.waiting(false);
        }
        try {
            loop();
        } catch (RuntimeException | Error e) {
            handler.flush();
            throw e;
        }
    }

    private void loop() {
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                handler.flush();
                state.set(PAUSED);
                source.demand(wake);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                handler.flush();
                response.abort(chunk.getFailure()); // the run hears of it from the exchange's end
                return;
            }
            boolean last = chunk.isLast();
            Step step;
            try {
                step = handler.take(chunk.getByteBuffer());
            } finally {
                chunk.release();
            }
            if (last || step == Step.STOP) {
                handler.flush();
                return;
            }
            if (step == Step.ASK_SINK && !sinkReady()) {
                return;
            }
        }
    }

    /**
     * Asks the sink; true when it resumed the loop at once (or while the loop was flushing), false when the loop must
     * stop here: the sink's resume will start it again.
     */
    private boolean sinkReady() {
        waiting = true;
        handler.waiting(true);
        handler.whenReady(wake);
        if (state.get() != RESUMED) {
            handler.flush(); // the client is behind: send what is held, then wait for it
            if (state.compareAndSet(RUNNING, PAUSED)) {
                return false;
            }
        }
        state.set(RUNNING);
        waiting = false;
        handler.waiting(false);
        return true;
    }
}
