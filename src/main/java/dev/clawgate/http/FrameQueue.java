package dev.clawgate.http;

import java.util.ArrayDeque;

/**
 * The frames of one response that wait for the client, oldest first, with their total size in bytes (what
 * {@link AsyncWriter} bounds and pauses producers on). {@link #pollGathered()} joins the frames at the head into one
 * array of at most {@link #GATHER_BYTES}, so a burst goes out in one container write: a container such as Jetty turns
 * each non-blocking write that it cannot aggregate into its own socket write and write-possible callback. Not
 * thread-safe: the writer's lock guards it.
 */
final class FrameQueue {
    /** Most bytes joined into one container write (a single larger frame goes out as it is). */
    static final int GATHER_BYTES = 32 * 1024;

    private final ArrayDeque<byte[]> frames = new ArrayDeque<>(8);
    private long bytes;

    void add(byte[] frame) {
        frames.add(frame);
        bytes += frame.length;
    }

    /** Bytes queued. */
    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    void clear() {
        frames.clear();
        bytes = 0;
    }

    /** Takes the head frame joined with the frames behind it that fit in {@link #GATHER_BYTES}; null when empty. */
    byte[] pollGathered() {
        byte[] first = frames.poll();
        if (first == null) {
            return null;
        }
        int total = first.length;
        int count = 0;
        for (byte[] b : frames) {
            if (total + b.length > GATHER_BYTES) {
                break;
            }
            total += b.length;
            count++;
        }
        byte[] out = first;
        if (count > 0) {
            out = new byte[total];
            System.arraycopy(first, 0, out, 0, first.length);
            int at = first.length;
            for (int i = 0; i < count; i++) {
                byte[] b = frames.poll();
                System.arraycopy(b, 0, out, at, b.length);
                at += b.length;
            }
        }
        bytes -= out.length;
        return out;
    }
}
