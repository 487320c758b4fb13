package dev.clawgate.bench;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;

/**
 * The request mix of the soak ({@link SoakLoad}): what each kind of client sends, how it behaves (reads to the end,
 * disconnects mid-stream, hangs up before a non-streaming answer) and which answers are right for it.
 *
 * <p>Every request carries {@code Connection: close}, so an answer ends when the gateway closes the connection.
 * Well-behaved clients spread over {@value #GOOD_ADDRESSES} addresses ({@code X-Forwarded-For} 10.0.0.x from the
 * trusted loopback proxy), each well under the rate limit; the over-limit client is 10.9.0.1, the client that
 * guesses tokens until it is locked out is 10.8.0.1, and the other wrong-token clients come from loopback itself
 * (no {@code X-Forwarded-For}), which {@code gateway.auth.rateLimit.exemptLoopback} never locks out.
 */
final class SoakMix {
    static final int GOOD_ADDRESSES = 128;
    static final int USERS = 100;
    static final String OVER_LIMIT_ADDRESS = "10.9.0.1";
    static final String LOCKOUT_ADDRESS = "10.8.0.1";

    /** What the client does once the request is sent. */
    enum Behaviour { READ_ALL, DISCONNECT_ON_CONTENT, HANG_UP }

    /**
     * One kind of request. {@code weight} is its share of the paced arrivals, {@code slowWeight} its share of the
     * pool of slow requests held open; {@code allowed} the outcomes counted as right ({@link #classify}).
     */
    enum Kind {
        ECHO_STREAM(15, 0, "openclaw", true, false, Behaviour.READ_ALL, "200 stream"),
        ECHO_JSON(15, 0, "openclaw", false, false, Behaviour.READ_ALL, "200 json"),
        ECHO_STREAM_USER(8, 0, "openclaw", true, true, Behaviour.READ_ALL, "200 stream"),
        ECHO_JSON_USER(8, 0, "openclaw", false, true, Behaviour.READ_ALL, "200 json"),
        UPSTREAM_STREAM(10, 0, "openclaw:up", true, false, Behaviour.READ_ALL, "200 stream"),
        UPSTREAM_JSON(10, 0, "openclaw:up", false, false, Behaviour.READ_ALL, "200 json"),
        UPSTREAM_STREAM_USER(4, 0, "openclaw:up", true, true, Behaviour.READ_ALL, "200 stream"),
        UPSTREAM_JSON_USER(4, 0, "openclaw:up", false, true, Behaviour.READ_ALL, "200 json"),
        ECHO_STREAM_DISCONNECT(5, 0, "openclaw", true, false, Behaviour.DISCONNECT_ON_CONTENT, "disconnected"),
        ECHO_JSON_HANG_UP(5, 0, "openclaw", false, true, Behaviour.HANG_UP, "hung up", "200 json"),
        OVER_LIMIT(6, 0, "openclaw", false, false, Behaviour.READ_ALL, "200 json", "429 rate_limit_exceeded"),
        OVERSIZE_DECLARED(2, 0, "openclaw", false, false, Behaviour.READ_ALL, "413 request_too_large"),
        OVERSIZE_CHUNKED(1, 0, "openclaw", false, false, Behaviour.READ_ALL, "413 request_too_large"),
        BAD_JSON(3, 0, "openclaw", false, false, Behaviour.READ_ALL, "400 invalid_request_error"),
        WRONG_TOKEN(3, 0, "openclaw", false, false, Behaviour.READ_ALL, "401 invalid_api_key"),
        WRONG_TOKEN_LOCKED_OUT(1, 0, "openclaw", false, false, Behaviour.READ_ALL, "401 invalid_api_key",
                "429 auth_lockout"),
        SLOW_STREAM(0, 70, "openclaw:slow", true, false, Behaviour.READ_ALL, "200 stream"),
        SLOW_STREAM_USER(0, 5, "openclaw:slow", true, true, Behaviour.READ_ALL, "200 stream"),
        SLOW_STREAM_DISCONNECT(0, 15, "openclaw:slow", true, false, Behaviour.HANG_UP, "hung up"),
        SLOW_JSON_HANG_UP(0, 7, "openclaw:slow", false, true, Behaviour.HANG_UP, "hung up"),
        SLOW_JSON(0, 3, "openclaw:slow", false, false, Behaviour.READ_ALL, "200 json");

        final int weight;
        final int slowWeight;
        final String model;
        final boolean stream;
        final boolean user;
        final Behaviour behaviour;
        final Set<String> allowed;

        Kind(int weight, int slowWeight, String model, boolean stream, boolean user, Behaviour behaviour,
             String... allowed) {
            this.weight = weight;
            this.slowWeight = slowWeight;
            this.model = model;
            this.stream = stream;
            this.user = user;
            this.behaviour = behaviour;
            this.allowed = Set.of(allowed);
        }

        boolean slow() {
            return slowWeight > 0;
        }
    }

    /** One request to send: its bytes, and when the client hangs up (ms after the start; -1 = never). */
    record Plan(Kind kind, byte[] bytes, long hangUpAfterMs) {
    }

    private final String token;
    private final int maxBodyBytes;
    private final Random random = new Random(20261125L);
    private long sequence;

    SoakMix(String token, int maxBodyBytes) {
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A kind drawn by {@code weight} (paced arrivals) or {@code slowWeight} (the slow pool). */
    Kind draw(boolean slow) {
        int total = 0;
        for (Kind k : Kind.values()) {
            total += slow ? k.slowWeight : k.weight;
        }
        int r = random.nextInt(total);
        for (Kind k : Kind.values()) {
            r -= slow ? k.slowWeight : k.weight;
            if (r < 0) {
                return k;
            }
        }
        throw new IllegalStateException();
    }

    Plan plan(Kind kind) {
        long n = sequence++;
        String address = "10.0.0." + (1 + n % GOOD_ADDRESSES);
        String auth = token;
        String text = "soak prompt " + n + " about nothing in particular";
        String user = kind.user ? ",\"user\":\"soak-user-" + random.nextInt(USERS) + "\"" : "";
        String body = "{\"model\":\"" + kind.model + "\"" + (kind.stream ? ",\"stream\":true" : "") + user
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        long hangUp = -1;
        switch (kind) {
            case OVER_LIMIT -> address = OVER_LIMIT_ADDRESS;
            case WRONG_TOKEN -> {
                address = null;
                auth = "wrong-" + n;
            }
            case WRONG_TOKEN_LOCKED_OUT -> {
                address = LOCKOUT_ADDRESS;
                auth = "wrong-" + n;
            }
            case BAD_JSON -> body = "{\"model\":\"openclaw\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text;
            case OVERSIZE_DECLARED -> {
                // declares a body over the limit and sends none of it: the gateway refuses on the header alone
                return new Plan(kind, head(address, auth, "Content-Length: " + (maxBodyBytes + 4096)), -1);
            }
            case OVERSIZE_CHUNKED -> {
                return new Plan(kind, chunked(address, auth, text), -1);
            }
            case ECHO_JSON_HANG_UP -> hangUp = 200 + random.nextInt(400);
            case SLOW_STREAM_DISCONNECT -> hangUp = 3_000 + random.nextInt(17_000);
            case SLOW_JSON_HANG_UP -> hangUp = 1_000 + random.nextInt(4_000);
            default -> {
                // the body as built
            }
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        byte[] h = head(address, auth, "Content-Length: " + b.length);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return new Plan(kind, all, hangUp);
    }

    private static byte[] head(String address, String auth, String length) {
        return ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Authorization: Bearer " + auth + "\r\n"
                + (address == null ? "" : "X-Forwarded-For: " + address + "\r\n")
                + "Content-Type: application/json\r\n" + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A chunked body that passes {@code maxBodyBytes} by 16 KiB: valid JSON, one long message. */
    private byte[] chunked(String address, String auth, String text) {
        StringBuilder s = new StringBuilder(new String(head(address, auth, "Transfer-Encoding: chunked"),
                StandardCharsets.US_ASCII));
        String open = "{\"model\":\"openclaw\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text;
        s.append(Integer.toHexString(open.length())).append("\r\n").append(open).append("\r\n");
        String filler = " padding".repeat(512);
        for (int sent = open.length(); sent <= maxBodyBytes + 16 * 1024; sent += filler.length()) {
            s.append(Integer.toHexString(filler.length())).append("\r\n").append(filler).append("\r\n");
        }
        String close = "\"}]}";
        s.append(Integer.toHexString(close.length())).append("\r\n").append(close).append("\r\n0\r\n\r\n");
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * What an answer was: {@code "200 stream"}, {@code "200 json"} or {@code "<status> <code>"} (for 400s the
     * error type, since their code names the field), or {@code "FAIL ..."} when it is not what the gateway promises:
     * a 5xx, an HTML body, the wrong content type, an error body that is not {@code {"error":{message,type,param,
     * code}}}, a completion or stream cut short.
     */
    static String classify(byte[] raw, int length, boolean stream) {
        if (length == 0) {
            return "FAIL closed without an answer";
        }
        String s = new String(raw, 0, length, StandardCharsets.ISO_8859_1);
        int headEnd = s.indexOf("\r\n\r\n");
        if (!s.startsWith("HTTP/1.1 ") || headEnd < 0 || s.length() < 12) {
            return "FAIL not an HTTP answer: " + snippet(s);
        }
        int status = Integer.parseInt(s.substring(9, 12));
        String head = s.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT);
        String body = head.contains("transfer-encoding: chunked") ? dechunk(raw, headEnd + 4, length)
                : new String(raw, headEnd + 4, length - headEnd - 4, StandardCharsets.UTF_8);
        if (body == null) {
            return "FAIL chunked body cut short (status " + status + ")";
        }
        if (body.toLowerCase(java.util.Locale.ROOT).contains("<html") || head.contains("content-type: text/html")) {
            return "FAIL HTML body (status " + status + ")";
        }
        if (status >= 500) {
            return "FAIL " + status + ": " + snippet(body);
        }
        if (status == 200 && stream) {
            if (!head.contains("content-type: text/event-stream") || !body.contains("chat.completion.chunk")
                    || body.contains("\"error\"") || !body.endsWith("data: [DONE]\n\n")) {
                return "FAIL 200 stream malformed or cut short: " + snippet(body);
            }
            return "200 stream";
        }
        if (!head.contains("content-type: application/json")) {
            return "FAIL " + status + " not JSON: " + snippet(body);
        }
        if (status == 200) {
            if (!body.startsWith("{") || !body.contains("\"object\":\"chat.completion\"")
                    || !body.contains("\"content\":\"echo: ") || !body.contains("\"finish_reason\":\"stop\"")) {
                return "FAIL 200 json malformed: " + snippet(body);
            }
            return "200 json";
        }
        if (!body.startsWith("{\"error\":{") || !body.contains("\"message\":") || !body.contains("\"type\":")
                || !body.contains("\"param\":") || !body.contains("\"code\":")) {
            return "FAIL " + status + " error body not OpenAI-shaped: " + snippet(body);
        }
        return status + " " + (status == 400 ? field(body, "type") : field(body, "code"));
    }

    private static String field(String body, String name) {
        int i = body.indexOf("\"" + name + "\":");
        int start = i + name.length() + 3;
        if (i < 0 || start >= body.length() || body.charAt(start) != '"') {
            return "null";
        }
        int end = body.indexOf('"', start + 1);
        return end < 0 ? "?" : body.substring(start + 1, end);
    }

    /** The decoded chunked body of {@code raw[from, to)}; null when it does not end with the last chunk. */
    static String dechunk(byte[] raw, int from, int to) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = from;
        while (true) {
            int eol = i;
            while (eol + 1 < to && !(raw[eol] == '\r' && raw[eol + 1] == '\n')) {
                eol++;
            }
            if (eol + 1 >= to) {
                return null;
            }
            int size;
            try {
                size = Integer.parseInt(new String(raw, i, eol - i, StandardCharsets.ISO_8859_1).split(";")[0].trim(),
                        16);
            } catch (NumberFormatException e) {
                return null;
            }
            if (size == 0) {
                return out.toString(StandardCharsets.UTF_8);
            }
            if (eol + 2 + size + 2 > to) {
                return null;
            }
            out.write(raw, eol + 2, size);
            i = eol + 2 + size + 2;
        }
    }

    private static String snippet(String s) {
        String one = s.replace("\r", "\\r").replace("\n", "\\n");
        return one.length() > 160 ? one.substring(0, 160) + "..." : one;
    }
}
