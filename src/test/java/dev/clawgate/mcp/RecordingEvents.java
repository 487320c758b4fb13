package dev.clawgate.mcp;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Records the toolbox's events; tests wait for one with a bound instead of sleeping. */
final class RecordingEvents implements ToolEvents {
    record Call(String agent, String server, String tool, ToolOutcome outcome, long durationNanos) {
    }

    record Status(String server, boolean up, String error) {
    }

    record Tools(String server, int count) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<Object> all = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    @Override
    public void toolCalled(String agent, String server, String tool, ToolOutcome outcome, long durationNanos) {
        Call c = new Call(agent, server, tool, outcome, durationNanos);
        calls.add(c);
        record(c);
    }

    @Override
    public void serverStatusChanged(String server, boolean up, String error) {
        record(new Status(server, up, error));
    }

    @Override
    public void toolsChanged(String server, int toolCount) {
        record(new Tools(server, toolCount));
    }

    private void record(Object event) {
        all.add(event);
        queue.add(event);
    }

    /** Waits (at most 20 s) for the next event matching {@code p}, skipping others. */
    <T> T await(Class<T> type, Predicate<T> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Object e = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no " + type.getSimpleName() + " event came; saw " + all);
            }
            if (type.isInstance(e) && p.test(type.cast(e))) {
                return type.cast(e);
            }
        }
    }
}
