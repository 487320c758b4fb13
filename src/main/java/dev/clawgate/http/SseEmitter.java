package dev.clawgate.http;

import dev.clawgate.agent.AssistantReply;
import dev.clawgate.agent.ReplySink;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChunkJson;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ResponseMeta;
import dev.clawgate.time.Scheduler;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A chat completion stream on the wire (SPEC §7): the 200 with {@code text/event-stream}, {@code Cache-Control:
 * no-cache} and {@code X-Accel-Buffering: no}; one {@code data: <chunk JSON>\n\n} event per delta (the JSON from
 * {@link ChunkJson}, reasoning as {@code delta.reasoning_content}; a choice after the first opens with its own role
 * chunk); the usage chunk when asked; {@code data: [DONE]}. The 200 names the model that answered in
 * {@code x-openclaw-upstream-model}. An error before the 200 is a plain JSON error
 * response, after it an error event and {@code [DONE]}. While the stream is open and nothing has been written for
 * {@code heartbeatMs} ({@code gateway.http.heartbeatMs} [15000]) it writes the comment {@code : keepalive}, timed on
 * the injected {@link Scheduler}. It knows nothing of agents or sessions; every write goes through one
 * {@link ResponseOutput}, under this object's monitor.
 */
final class SseEmitter implements ChatExchange.StreamSink {
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** The response header naming the model that answered, {@code <provider>/<model>}. */
    static final String UPSTREAM_MODEL_HEADER = "x-openclaw-upstream-model";
    static final byte[] KEEPALIVE = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServletResponse response;
    private final ResponseOutput out;
    private final ChunkJson chunks;
    private final boolean includeUsage;
    private final Scheduler scheduler;
    private final long heartbeatNanos;
    private final Runnable onOpened;
    private final Runnable onClosed;

    private final BitSet announced = new BitSet();
    private boolean opened;
    private boolean stopped;
    private long lastWriteNanos;
    private Scheduler.Task heartbeat;

    /**
     * @param heartbeatMs idle time before a keepalive comment, ms, at least 1
     * @param onOpened    runs when the 200 goes out (metrics: a stream opened)
     * @param onClosed    runs once when an opened stream ends, however it ends
     */
    SseEmitter(HttpServletResponse response, ResponseOutput out, ChunkJson chunks, boolean includeUsage,
               Scheduler scheduler, long heartbeatMs, Runnable onOpened, Runnable onClosed) {
        this.response = response;
        this.out = out;
        this.chunks = chunks;
        this.includeUsage = includeUsage;
        this.scheduler = scheduler;
        this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, heartbeatMs));
        this.onOpened = onOpened;
        this.onClosed = onClosed;
    }

    @Override
    public boolean needsWholeReply() {
        return false;
    }

    /** Whether the 200 and the SSE headers are out, so an error must go as an event. */
    @Override
    public synchronized boolean opened() {
        return opened;
    }

    @Override
    public synchronized void open() {
        if (opened || stopped) {
            return;
        }
        opened = true;
        response.setStatus(200);
        response.setContentType("text/event-stream; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        onOpened.run();
        send(event(chunks::role));
        heartbeat = scheduler.schedule(this::heartbeat, heartbeatNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void answeredBy(String providerModel) {
        if (!opened && !stopped) {
            response.setHeader(UPSTREAM_MODEL_HEADER, providerModel);
        }
    }

    @Override
    public synchronized void meta(ResponseMeta meta) {
        chunks.meta(meta);
    }

    @Override
    public synchronized void delta(ChoiceDelta delta) {
        announce(delta.index());
        send(event(b -> chunks.delta(b, delta)));
    }

    @Override
    public synchronized void finish(int choice, String reason) {
        announce(choice);
        send(event(b -> chunks.finish(b, choice, reason)));
    }

    /** A choice after the first starts with its own role chunk, as OpenAI's streams of {@code n > 1} do. */
    private void announce(int choice) {
        if (choice > 0 && !announced.get(choice)) {
            announced.set(choice);
            send(event(b -> chunks.role(b, choice)));
        }
    }

    @Override
    public synchronized void complete(AssistantReply reply) {
        if (includeUsage) {
            send(event(b -> chunks.usage(b, reply.usage())));
        }
        send(DONE);
        stop();
    }

    @Override
    public synchronized void error(ApiException error) {
        if (!out.failed()) {
            if (!opened) {
                send(ApiErrors.prepare(response, error));
            } else {
                send(("data: " + error.toJson() + "\n\n").getBytes(StandardCharsets.UTF_8));
                send(DONE);
            }
        }
        stop();
    }

    @Override
    public synchronized void abandon() {
        stop();
    }

    @Override
    public void close() {
        out.close();
    }

    @Override
    public void whenReady(Runnable resume) {
        out.whenDrained(resume);
    }

    @Override
    public void cork() {
        out.cork();
    }

    @Override
    public void uncork() {
        out.uncork();
    }

    private void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (heartbeat != null) {
            heartbeat.cancel();
        }
        if (opened) {
            onClosed.run();
        }
    }

    private void send(byte[] bytes) {
        lastWriteNanos = scheduler.nanoTime();
        out.write(bytes);
    }

    private static byte[] event(Function<StringBuilder, StringBuilder> chunk) {
        StringBuilder b = chunk.apply(new StringBuilder(256).append("data: "));
        return b.append("\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes a keepalive when the stream has been idle for the heartbeat period, then waits for the rest of the
     * period. A failed write is reported only after this monitor is released: the failure callback ends the run,
     * which takes the run's monitor before this one.
     */
    private void heartbeat() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            long idle = scheduler.nanoTime() - lastWriteNanos;
            if (idle >= heartbeatNanos) {
                lastWriteNanos = scheduler.nanoTime();
                out.offer(KEEPALIVE);
                idle = 0;
            }
            heartbeat = scheduler.schedule(this::heartbeat, Math.max(1, heartbeatNanos - idle), TimeUnit.NANOSECONDS);
        }
        out.reportFailure();
    }
}
