package dev.clawgate.upstream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream grammar), fed with bytes as they arrive. Lines
 * end with CRLF, LF or CR, also when the CR and the LF arrive in different buffers; lines starting with {@code :}
 * are comments; {@code event:}, {@code id:} and {@code retry:} lines are read and ignored; several {@code data:}
 * lines of one event are joined with {@code \n}; an empty line dispatches the event's data. It works on bytes
 * throughout: a buffer is scanned a line at a time (a line that lies whole in one buffer is not copied), the data of
 * an event is handed over as UTF-8 bytes, and nothing is decoded here, so a character split across buffers survives.
 *
 * <p>At end of input a last event that lacks its blank line is still dispatched (lenient towards upstreams that
 * close right after their last {@code data:} line). One line or one event's data larger than {@code maxEventBytes}
 * is a protocol error. Not thread-safe: feed it from one thread at a time.
 */
final class SseParser {
    /**
     * Default bound of one line and of one event's data, bytes (1 MiB): far above any chunk a model server sends,
     * and what one stream can make the gateway hold (about twice that while a line is read).
     */
    static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;
    private static final int SCRATCH_BYTES = 2048;

    /** Receives the data of each event: {@code bytes[from, to)}, valid only during the call. */
    interface DataListener {
        void onData(byte[] bytes, int from, int to);
    }

    private final DataListener onData;
    private final int maxEventBytes;
    /** A direct buffer's bytes, copied here to be scanned (made at the first direct buffer). */
    private byte[] scratch;
    /** The start of a line that did not end in the buffer it began in. */
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private byte[] data = new byte[256];
    private int dataLength;
    private boolean hasData;

    /**
     * @param onData        called with the data of each dispatched event (without its trailing newline)
     * @param maxEventBytes the largest line or event accepted, bytes
     */
    SseParser(DataListener onData, int maxEventBytes) {
        this.onData = onData;
        this.maxEventBytes = maxEventBytes;
    }

    SseParser(DataListener onData) {
        this(onData, DEFAULT_MAX_EVENT_BYTES);
    }

    /** Each event's data as a string (tests and tools). */
    SseParser(Consumer<String> onData, int maxEventBytes) {
        this((b, from, to) -> onData.accept(new String(b, from, to - from, StandardCharsets.UTF_8)), maxEventBytes);
    }

    SseParser(Consumer<String> onData) {
        this(onData, DEFAULT_MAX_EVENT_BYTES);
    }

    /** Consumes every remaining byte of {@code buffer}. */
    void feed(ByteBuffer buffer) {
        if (buffer.hasArray()) {
            int from = buffer.arrayOffset() + buffer.position();
            int to = buffer.arrayOffset() + buffer.limit();
            buffer.position(buffer.limit());
            scan(buffer.array(), from, to);
            return;
        }
        if (scratch == null) {
            scratch = new byte[SCRATCH_BYTES];
        }
        while (buffer.hasRemaining()) {
            int n = Math.min(scratch.length, buffer.remaining());
            buffer.get(scratch, 0, n);
            scan(scratch, 0, n);
        }
    }

    /** The input ended: a pending line and a pending event are processed as if a blank line had followed. */
    void end() {
        if (lineLength > 0) {
            int n = lineLength;
            lineLength = 0;
            line(line, 0, n);
        }
        dispatch();
    }

    private void scan(byte[] b, int from, int to) {
        int i = from;
        if (afterCr && i < to) {
            afterCr = false;
            if (b[i] == '\n') {
                i++; // the LF of a CRLF split across buffers
            }
        }
        int start = i;
        while (i < to) {
            byte c = b[i];
            if (c != '\n' && c != '\r') {
                i++;
                continue;
            }
            if (lineLength > 0) {
                append(b, start, i);
                int n = lineLength;
                lineLength = 0;
                line(line, 0, n);
            } else {
                bounded(i - start);
                line(b, start, i);
            }
            i++;
            if (c == '\r') {
                if (i == to) {
                    afterCr = true;
                } else if (b[i] == '\n') {
                    i++;
                }
            }
            start = i;
        }
        if (start < to) {
            append(b, start, to);
        }
        if (line.length > 4096 && lineLength == 0) {
            line = new byte[256];
        }
    }

    /** Keeps the start of a line that goes on in the next buffer. */
    private void append(byte[] b, int from, int to) {
        int n = to - from;
        bounded(lineLength + n);
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.min(maxEventBytes, Math.max(lineLength + n, line.length * 2)));
        }
        System.arraycopy(b, from, line, lineLength, n);
        lineLength += n;
    }

    private void bounded(int lineBytes) {
        if (lineBytes > maxEventBytes) {
            throw new SseProtocolException("an upstream SSE line exceeds " + maxEventBytes + " bytes");
        }
    }

    /** One line, {@code b[from, to)}, without its end. */
    private void line(byte[] b, int from, int to) {
        if (from == to) {
            dispatch();
            return;
        }
        if (b[from] == ':') {
            return;
        }
        int colon = from;
        while (colon < to && b[colon] != ':') {
            colon++;
        }
        if (colon - from != 4 || b[from] != 'd' || b[from + 1] != 'a' || b[from + 2] != 't' || b[from + 3] != 'a') {
            return; // event:, id:, retry: and unknown fields
        }
        int start = colon < to ? colon + 1 : to;
        if (start < to && b[start] == ' ') {
            start++;
        }
        int n = to - start;
        if (dataLength + n > maxEventBytes) {
            throw new SseProtocolException("an upstream SSE event exceeds " + maxEventBytes + " bytes");
        }
        if (dataLength + n + 1 > data.length) {
            data = Arrays.copyOf(data, Math.max(dataLength + n + 1, data.length * 2));
        }
        System.arraycopy(b, start, data, dataLength, n);
        dataLength += n;
        data[dataLength++] = '\n';
        hasData = true;
    }

    private void dispatch() {
        if (!hasData) {
            return;
        }
        int n = dataLength - 1;
        dataLength = 0;
        hasData = false;
        onData.onData(data, 0, n);
        if (data.length > 4096) {
            data = new byte[256];
        }
    }

    /** The upstream's bytes are not a usable event stream. */
    static final class SseProtocolException extends RuntimeException {
        SseProtocolException(String message) {
            super(message, null, false, false);
        }
    }
}
