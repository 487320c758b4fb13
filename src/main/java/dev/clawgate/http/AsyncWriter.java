package dev.clawgate.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Non-blocking writes to an async response: bytes are queued and written only while the container says the
 * connection can take them ({@link ServletOutputStream#isReady()}); the rest goes out from
 * {@link #onWritePossible()}. No thread ever waits on a slow client. Everything written in one burst is flushed
 * together. All state is under one per-response lock; the failure callback runs once, outside that lock.
 */
final class AsyncWriter implements WriteListener {
    /** Frames a client may leave unread before it is dropped as too slow. */
    static final int MAX_QUEUED_FRAMES = 8192;
    /** Frames still queued below which a paused producer is resumed ({@link #whenDrained}). */
    static final int LOW_WATER_FRAMES = 16;

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Consumer<Throwable> onFailure;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(8);
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private boolean flushPending;
    private boolean closing;
    private boolean finished;
    private volatile Throwable failure;
    private Runnable resume;

    AsyncWriter(AsyncContext async, Consumer<Throwable> onFailure) throws IOException {
        this.async = async;
        this.onFailure = onFailure;
        this.out = async.getResponse().getOutputStream();
        out.setWriteListener(this);
    }

    /** Queues {@code bytes}; false when the writer has failed or is closed, so the bytes will never be sent. */
    boolean write(byte[] bytes) {
        Runnable next;
        lock.lock();
        try {
            if (finished || closing) {
                return false;
            }
            if (queue.size() >= MAX_QUEUED_FRAMES) {
                failLocked(new IOException("client is not reading its stream"));
            } else {
                queue.add(bytes);
                drainLocked();
            }
            next = takeResumeLocked();
        } finally {
            lock.unlock();
        }
        reportFailure();
        if (next != null) {
            resumeLater(next);
        }
        return failure == null;
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
    void close() {
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

    boolean failed() {
        return failure != null;
    }

    /**
     * Runs {@code next} at once while fewer than {@link #LOW_WATER_FRAMES} frames wait for the client, else once the
     * client has taken enough of them (from the container's write callback), or when the writer fails or finishes.
     * This is how a producer (the upstream reader) is paused instead of filling the queue. One waiter at a time.
     */
    void whenDrained(Runnable next) {
        lock.lock();
        try {
            if (queue.size() >= LOW_WATER_FRAMES && !finished) {
                resume = next;
                return;
            }
        } finally {
            lock.unlock();
        }
        next.run();
    }

    /** Takes the paused producer if the queue is low enough (or the writer is done); call under the lock. */
    private Runnable takeResumeLocked() {
        Runnable r = resume;
        if (r != null && (queue.size() < LOW_WATER_FRAMES || finished)) {
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
        if (finished) {
            return;
        }
        try {
            while (out.isReady()) {
                byte[] next = queue.poll();
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

    private void reportFailure() {
        Throwable t = failure;
        if (t != null && failureReported.compareAndSet(false, true)) {
            onFailure.accept(t);
        }
    }
}
