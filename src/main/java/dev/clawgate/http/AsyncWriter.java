package dev.clawgate.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Non-blocking writes to an async response: bytes are queued and written only while the container says the
 * connection can take them ({@link ServletOutputStream#isReady()}); the rest goes out from
 * {@link #onWritePossible()}. No thread ever waits on a slow client. Frames queued behind a pending write are
 * joined into one write, and everything written in one burst is flushed together. All state is under one
 * per-response lock; the failure callback runs once, outside that lock.
 *
 * <p>The queue is bounded by bytes ({@code gateway.http.maxQueuedBytes} [1048576]): a producer asks
 * {@link #whenDrained} before each piece and is paused while {@link #lowWaterBytes()} or more wait for the client,
 * so a long reply is streamed as the client takes it, never held whole. A write that arrives while the bound is
 * already reached (a producer that ignores backpressure, a client that stopped reading) fails the response as a
 * client that is not reading; one frame is always taken while the queue is below the bound, so a whole JSON body
 * is a single write.
 */
final class AsyncWriter implements WriteListener, ResponseOutput {
    private final long maxQueuedBytes;
    private final long lowWaterBytes;

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Consumer<Throwable> onFailure;
    private final ReentrantLock lock = new ReentrantLock();
    private final FrameQueue queue = new FrameQueue();
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private boolean flushPending;
    private boolean corked;
    private boolean closing;
    private boolean finished;
    private volatile Throwable failure;
    private Runnable resume;

    /**
     * @param maxQueuedBytes bytes a client may leave unread before a further write fails the response, at least 1
     *                       ({@code gateway.http.maxQueuedBytes})
     */
    AsyncWriter(AsyncContext async, long maxQueuedBytes, Consumer<Throwable> onFailure) throws IOException {
        this.maxQueuedBytes = Math.max(1, maxQueuedBytes);
        this.lowWaterBytes = Math.max(1, Math.min(FrameQueue.GATHER_BYTES, this.maxQueuedBytes / 2));
        this.async = async;
        this.onFailure = onFailure;
        this.out = async.getResponse().getOutputStream();
        out.setWriteListener(this);
    }

    /** Queues {@code bytes}; false when the writer has failed or is closed, so the bytes will never be sent. */
    @Override
    public boolean write(byte[] bytes) {
        Runnable next = enqueue(bytes);
        reportThenResume(next);
        return failure == null;
    }

    @Override
    public boolean offer(byte[] bytes) {
        Runnable next = enqueue(bytes);
        if (next != null) {
            resumeLater(next);
        }
        return failure == null;
    }

    private Runnable enqueue(byte[] bytes) {
        lock.lock();
        try {
            if (finished || closing) {
                return null;
            }
            if (queue.bytes() >= maxQueuedBytes) {
                failLocked(new IOException("client is not reading its response: " + queue.bytes()
                        + " bytes unread (gateway.http.maxQueuedBytes)"));
            } else {
                queue.add(bytes);
                drainLocked();
            }
            return takeResumeLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Holds writes in the queue until {@link #uncork()}: a provider that answers within one call (the built-in echo)
     * then goes out as one write and one flush instead of a container write and flush per frame.
     */
    @Override
    public void cork() {
        lock.lock();
        try {
            corked = true;
        } finally {
            lock.unlock();
        }
    }

    /** Ends {@link #cork()} and sends what was held (resuming a producer paused meanwhile). */
    @Override
    public void uncork() {
        Runnable next;
        lock.lock();
        try {
            corked = false;
            drainLocked();
            next = takeResumeLocked();
        } finally {
            lock.unlock();
        }
        reportThenResume(next);
    }

    /** Outside the lock: reports a failure once, then resumes {@code next} (if any) on a container thread. */
    private void reportThenResume(Runnable next) {
        reportFailure();
        if (next != null) {
            resumeLater(next);
        }
    }

    /**
     * Resumes a paused producer on a container thread: {@code write} runs inside the producer's own callbacks, so
     * resuming inline would re-enter it.
     */
    private void resumeLater(Runnable next) {
        try {
            async.start(next);
        } catch (IllegalStateException completed) {
            // the response is over; the producer is being cancelled
        }
    }

    /** Sends what is queued, then completes the async request. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!finished && !closing) {
                closing = true;
                drainLocked();
            }
        } finally {
            lock.unlock();
        }
        reportFailure();
    }

    /**
     * Completes the request now, whatever is still queued (the container must see {@code complete()} before an
     * async timeout callback returns).
     */
    void forceComplete() {
        lock.lock();
        try {
            closing = true;
            corked = false;
            if (!finished) {
                drainLocked();
            }
            if (!finished) {
                finished = true;
                queue.clear();
                completeQuietly();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The container ended the exchange on its own ({@code AsyncListener.onError}, or {@code onComplete} before this
     * writer completed it): nothing is written after this returns. The container recycles the response's objects once
     * its listeners return, so a write from another thread after that could land in the next request's response (on
     * Tomcat it did: a producer thread's late flush failed an unrelated request with a 500 and a closed connection).
     * Completes the request if it is not yet (the servlet spec asks it of an {@code onError} listener).
     */
    void ended() {
        lock.lock();
        try {
            closing = true;
            corked = false;
            if (!finished) { // the usual case is a request this writer completed: no exception to make
                failLocked(new IOException("the container ended the response"));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean failed() {
        return failure != null;
    }

    /** Bytes waiting for the client at or above which a producer is paused: half the bound, at most 32 KiB. */
    long lowWaterBytes() {
        return lowWaterBytes;
    }

    /** Bytes queued and not yet handed to the container. */
    long queuedBytes() {
        lock.lock();
        try {
            return queue.bytes();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code next} at once while fewer than {@link #lowWaterBytes()} bytes wait for the client, else once the
     * client has taken enough of them (from the container's write callback), or when the writer fails or finishes.
     * This is how a producer (the upstream reader, the echo) is paused instead of filling the queue. One waiter at a
     * time. While corked, bytes held up to the low-water mark are sent first, so holding them never pauses a producer
     * whose client could take them.
     */
    @Override
    public void whenDrained(Runnable next) {
        lock.lock();
        try {
            if (corked && queue.bytes() >= lowWaterBytes) {
                corked = false; // what is held would pause the producer: send it now, as the client can take it
                drainLocked();
                corked = true;
            }
            if (queue.bytes() >= lowWaterBytes && !finished) {
                resume = next;
                return;
            }
        } finally {
            lock.unlock();
        }
        reportFailure();
        next.run();
    }

    /** Takes the paused producer if the queue is low enough (or the writer is done); call under the lock. */
    private Runnable takeResumeLocked() {
        Runnable r = resume;
        if (r != null && (queue.bytes() < lowWaterBytes || finished)) {
            resume = null;
            return r;
        }
        return null;
    }

    @Override
    public void onWritePossible() {
        Runnable next;
        lock.lock();
        try {
            drainLocked();
            next = takeResumeLocked();
        } finally {
            lock.unlock();
        }
        reportFailure();
        if (next != null) {
            next.run();
        }
    }

    @Override
    public void onError(Throwable t) {
        lock.lock();
        try {
            failLocked(t);
        } finally {
            lock.unlock();
        }
        reportFailure();
    }

    private void drainLocked() {
        if (finished || corked) {
            return;
        }
        try {
            while (out.isReady()) {
                byte[] next = queue.pollGathered();
                if (next != null) {
                    out.write(next);
                    flushPending = true;
                } else if (flushPending) {
                    flushPending = false;
                    out.flush();
                } else {
                    if (closing) {
                        finished = true;
                        completeQuietly();
                    }
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            failLocked(e);
        }
    }

    private void failLocked(Throwable t) {
        if (finished) {
            return;
        }
        finished = true;
        failure = t;
        queue.clear();
        completeQuietly();
    }

    private void completeQuietly() {
        try {
            async.complete();
        } catch (IllegalStateException ignored) {
            // already completed by the container (timeout or error dispatch)
        }
    }

    @Override
    public void reportFailure() {
        Throwable t = failure;
        if (t != null && failureReported.compareAndSet(false, true)) {
            onFailure.accept(t);
        }
    }
}
