package dev.clawgate.upstream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An upstream answer's body while it arrives, bounded: a non-streamed answer ({@code models.providers.<name>.streaming
 * = as-client}; {@link #MAX_BYTES}, 8 MiB, so a long answer with its logprobs fits and a larger one is a protocol
 * error, 502) or the start of an error body; and what a 2xx's {@code Content-Type} allows. Not thread-safe: the
 * run's monitor guards it.
 */
final class AnswerBody {
    /** Largest non-streamed answer, bytes. */
    static final int MAX_BYTES = 8 * 1024 * 1024;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int max;

    /** @param max most bytes kept */
    AnswerBody(int max) {
        this.max = max;
    }

    /** Appends {@code more}, as much as fits; false when not all of it fitted. */
    boolean add(ByteBuffer more) {
        int n = (int) Math.min(more.remaining(), (long) max - bytes.size());
        byte[] copy = new byte[n];
        more.get(copy);
        bytes.write(copy, 0, n);
        return !more.hasRemaining();
    }

    /** Whether the bound is reached. */
    boolean full() {
        return bytes.size() >= max;
    }

    /** The body as text (UTF-8). */
    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Whether a 2xx's {@code Content-Type} allows an event stream: {@code text/event-stream}, or none at all. */
    static boolean eventStream(String contentType) {
        if (contentType == null) {
            return true;
        }
        String type = mediaType(contentType);
        return type.isEmpty() || type.equalsIgnoreCase("text/event-stream");
    }

    /** Whether a 2xx's {@code Content-Type} allows a non-streamed JSON answer: {@code application/json}, or none. */
    static boolean json(String contentType) {
        return contentType == null || mediaType(contentType).equalsIgnoreCase("application/json");
    }

    /** The media type of a {@code Content-Type}, without its parameters. */
    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    }
}
