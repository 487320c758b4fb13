package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a request body up to {@code gateway.http.maxBodyBytes}: a declared {@code Content-Length} above the limit is
 * refused before a byte is read, and a chunked body is refused as soon as it passes the limit (413).
 */
final class BodyReader {
    private BodyReader() {
    }

    /** The body bytes; the array may be longer than the body: see {@link Body#length()}. */
    record Body(byte[] bytes, int length) {
    }

    static Body read(HttpServletRequest request, long maxBytes) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        int limit = (int) maxBytes;
        byte[] buf = new byte[declared >= 0 ? (int) declared : Math.min(8192, limit)];
        int len = 0;
        try (InputStream in = request.getInputStream()) {
            while (true) {
                if (len == buf.length) {
                    if (len >= limit) {
                        if (in.read() < 0) {
                            break;
                        }
                        throw tooLarge(maxBytes);
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min((long) limit, Math.max(8192L, buf.length * 2L)));
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    break;
                }
                len += n;
            }
        }
        return new Body(buf, len);
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "Request body is larger than the limit of " + maxBytes + " bytes.");
    }
}
