package dev.clawgate.http;

import java.util.regex.Pattern;

/**
 * The trace id of a W3C Trace Context {@code traceparent} header ({@code 00-<32 hex>-<16 hex>-<2 hex>}), for the
 * access log. Anything else (absent, malformed, version {@code ff}, an all-zero id, upper-case hex) gives "": the
 * header is the client's, so only a well-formed id is ever logged.
 */
final class TraceParent {
    private static final Pattern HEADER = Pattern.compile(
            "([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-[^\\s]*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);
    /** Longest header looked at; the W3C format is 55 characters for version 00. */
    private static final int MAX_LENGTH = 512;

    private TraceParent() {
    }

    /** The trace id of {@code header}, or "" when it is absent or not a valid traceparent. */
    static String traceId(String header) {
        if (header == null || header.length() < 55 || header.length() > MAX_LENGTH) {
            return "";
        }
        String h = header.strip();
        var m = HEADER.matcher(h);
        if (!m.matches() || m.group(1).equals("ff") || m.group(1).equals("00") && h.length() != 55
                || m.group(2).equals(ZERO_TRACE) || m.group(3).equals(ZERO_PARENT)) {
            return "";
        }
        return m.group(2);
    }
}
