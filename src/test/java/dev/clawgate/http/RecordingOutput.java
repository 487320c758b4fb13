package dev.clawgate.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@link ResponseOutput} that keeps what was written, as text frames, and can be made to fail or lag. */
final class RecordingOutput implements ResponseOutput {
    final List<String> frames = new ArrayList<>();
    boolean failing;
    boolean closed;
    int failureReports;
    Runnable waiting;
    boolean behind;

    @Override
    public boolean write(byte[] bytes) {
        boolean ok = offer(bytes);
        reportFailure();
        return ok;
    }

    @Override
    public boolean offer(byte[] bytes) {
        if (failing || closed) {
            return false;
        }
        frames.add(new String(bytes, StandardCharsets.UTF_8));
        return true;
    }

    @Override
    public void reportFailure() {
        if (failing) {
            failureReports++;
        }
    }

    @Override
    public void cork() {
    }

    @Override
    public void uncork() {
    }

    @Override
    public void whenDrained(Runnable next) {
        if (behind) {
            waiting = next;
        } else {
            next.run();
        }
    }

    /** The client caught up: runs the producer that waited. */
    void drain() {
        behind = false;
        Runnable r = waiting;
        waiting = null;
        if (r != null) {
            r.run();
        }
    }

    @Override
    public boolean failed() {
        return failing;
    }

    @Override
    public void close() {
        closed = true;
    }
}
