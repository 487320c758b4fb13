package dev.clawgate.upstream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream grammar), fed with bytes as they arrive. Lines
 * end with CRLF, LF or CR, also when the CR and the LF arrive in different buffers; lines starting with {@code :}
 * are comments; {@code event:}, {@code id:} and {@code retry:} lines are read and ignored; several {@code data:}
 * lines of one event are joined with {@code \n}; an empty line dispatches the event's data. Bytes are decoded as
 * UTF-8 only once a whole line is in, so a character split across buffers survives.
 *
 * <p>At end of input a last event that lacks its blank line is still dispatched (lenient towards upstreams that
 * close right after their last {@code data:} line). One line or one event larger than {@code maxEventBytes} is a
 * protocol error. Not thread-safe: feed it from one thread at a time.
 */
final class SseParser {
    /**
     * Default bound of one line and of one event's data, bytes (1 MiB): far above any chunk a model server sends,
     * and what one stream can make the gateway hold (about three times that while a line is decoded).
     */
    static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;

    private final Consumer<String> onData;
    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /**
     * @param onData        called with the data of each dispatched event (without its trailing newline)
     * @param maxEventBytes the largest line or event accepted, bytes
     */
    SseParser(Consumer<String> onData, int maxEventBytes) {
        this.onData = onData;
        this.maxEventBytes = maxEventBytes;
    }

    SseParser(Consumer<String> onData) {
        this(onData, DEFAULT_MAX_EVENT_BYTES);
    }

    /** Consumes every remaining byte of {@code buffer}. */
    void feed(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            byte b = buffer.get();
            if (b == '\n') {
                if (afterCr) {
                    afterCr = false;
                    continue;
                }
                endLine();
            } else if (b == '\r') {
                afterCr = true;
                endLine();
            } else {
                afterCr = false;
                append(b);
            }
        }
    }

    /** The input ended: a pending line and a pending event are processed as if a blank line had followed. */
    void end() {
        if (lineLength > 0) {
            endLine();
        }
        dispatch();
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            if (lineLength >= maxEventBytes) {
                throw new SseProtocolException("an upstream SSE line exceeds " + maxEventBytes + " bytes");
            }
            line = Arrays.copyOf(line, Math.min(maxEventBytes, lineLength * 2));
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        if (lineLength == 0) {
            dispatch();
            return;
        }
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (line.length > 4096) {
            line = new byte[256];
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        if (!field.equals("data")) {
            return;
        }
        int start = colon < 0 ? text.length() : colon + 1;
        if (start < text.length() && text.charAt(start) == ' ') {
            start++;
        }
        if (data.length() + text.length() - start > maxEventBytes) {
            throw new SseProtocolException("an upstream SSE event exceeds " + maxEventBytes + " bytes");
        }
        data.append(text, start, text.length()).append('\n');
        hasData = true;
    }

    private void dispatch() {
        if (!hasData) {
            return;
        }
        String event = data.substring(0, data.length() - 1);
        data.setLength(0);
        hasData = false;
        onData.accept(event);
    }

    /** The upstream's bytes are not a usable event stream. */
    static final class SseProtocolException extends RuntimeException {
        SseProtocolException(String message) {
            super(message, null, false, false);
        }
    }
}
