package dev.clawgate.trace;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as one hop of a W3C Trace Context trace: turns a client request's {@code traceparent} and
 * {@code tracestate} headers into the {@link TraceContext} sent with every upstream call the request causes.
 *
 * <ul>
 *   <li>A valid {@code traceparent} continues: the same trace id, the flags the gateway knows kept (sampled
 *       {@code 01} and Level 2's random-trace-id {@code 02}; other bits are zeroed, as the spec asks of a vendor that
 *       does not know them), and a new random 16-hex {@code parent-id} (never all zero) for the gateway's span, one
 *       per client request, shared by its retries and fallbacks. A future version ({@code 01}–{@code fe}) is read as
 *       the spec says (its first 55 characters as version {@code 00}, then end or {@code -}) and sent on as
 *       {@code 00}.</li>
 *   <li>Invalid — version {@code ff}, a version {@code 00} header of other than 55 characters, upper-case hex, an
 *       all-zero trace or parent id, bad separators, the header sent more than once — is ignored as if absent, and its
 *       {@code tracestate} with it.</li>
 *   <li>Absent or ignored: with {@code gateway.tracing.generate=true} [false] the gateway starts a trace — a random
 *       trace id and span id with flags {@value #GENERATED_FLAGS} (sampled, so an upstream's OpenTelemetry SDK with
 *       the default parent-based sampler records its spans under it) — else the request is not traced
 *       ({@link TraceContext#NONE}).</li>
 *   <li>{@code tracestate} is forwarded as received — every header line combined with {@code ,}, each list member
 *       kept in order with the optional whitespace and empty members of the list dropped — when the combined value
 *       is at most {@value #MAX_TRACESTATE_CHARS} characters and holds at most {@value #MAX_TRACESTATE_MEMBERS}
 *       well-formed members ({@code key=value} per the spec's grammar, Level 2 keys, no key twice); otherwise it is
 *       dropped whole and the {@code traceparent} still goes on.</li>
 * </ul>
 * Thread-safe; the random ids come from {@link ThreadLocalRandom} (they need to be unique, not secret).
 */
public final class TracePropagator {
    /** Longest {@code tracestate} forwarded, characters of the combined header; a longer one is dropped. */
    public static final int MAX_TRACESTATE_CHARS = 512;
    /** Most list members of a forwarded {@code tracestate}; more drops it. */
    public static final int MAX_TRACESTATE_MEMBERS = 32;
    /** Longest {@code traceparent} looked at (a future version may append fields), characters. */
    static final int MAX_TRACEPARENT_CHARS = 512;
    /** The flags of a trace the gateway starts: sampled. */
    public static final String GENERATED_FLAGS = "01";
    /** A propagator that starts no trace ({@code gateway.tracing.generate=false}). */
    public static final TracePropagator CONTINUE_ONLY = new TracePropagator(false);

    private static final Pattern TRACEPARENT = Pattern.compile(
            "([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final Pattern MEMBER = Pattern.compile(
            "([a-z0-9][a-z0-9_\\-*/@]{0,255})=[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]");
    private static final int VERSION_00_LENGTH = 55;
    /** Sampled (Level 1) and random-trace-id (Level 2): the flags kept when a trace is continued. */
    private static final int KNOWN_FLAGS = 0x03;
    private static final HexFormat HEX = HexFormat.of();

    private final boolean generate;
    private final LongSupplier random;

    /** @param generate {@code gateway.tracing.generate}: start a trace for a request without a valid one */
    public TracePropagator(boolean generate) {
        this(generate, () -> ThreadLocalRandom.current().nextLong());
    }

    /** With the random numbers of {@code random} (tests). */
    TracePropagator(boolean generate, LongSupplier random) {
        this.generate = generate;
        this.random = random;
    }

    /**
     * The trace context of a request with these header values (each header line as received; empty when the
     * header is absent).
     */
    public TraceContext of(List<String> traceparent, List<String> tracestate) {
        Matcher parent = parent(traceparent);
        if (parent == null) {
            return generate ? start() : TraceContext.NONE;
        }
        String flags = HEX.toHexDigits((byte) (Integer.parseInt(parent.group(4), 16) & KNOWN_FLAGS));
        return new TraceContext(parent.group(2), spanId(), flags, tracestate(tracestate));
    }

    /** A new trace: random trace and span ids, flags {@value #GENERATED_FLAGS}, no {@code tracestate}. */
    TraceContext start() {
        String traceId;
        do {
            traceId = HEX.toHexDigits(random.getAsLong()) + HEX.toHexDigits(random.getAsLong());
        } while (allZero(traceId));
        return new TraceContext(traceId, spanId(), GENERATED_FLAGS, "");
    }

    private String spanId() {
        long id;
        do {
            id = random.getAsLong();
        } while (id == 0);
        return HEX.toHexDigits(id);
    }

    /** The match of a valid {@code traceparent} (groups: version, trace id, parent id, flags), else null. */
    static Matcher parent(List<String> values) {
        if (values == null || values.size() != 1) {
            return null; // absent, or sent more than once: invalid
        }
        String header = strip(values.get(0));
        if (header.length() < VERSION_00_LENGTH || header.length() > MAX_TRACEPARENT_CHARS) {
            return null;
        }
        Matcher m = TRACEPARENT.matcher(header);
        if (!m.matches() || m.group(1).equals("ff") || m.group(1).equals("00") && m.group(5) != null
                || allZero(m.group(2)) || allZero(m.group(3))) {
            return null;
        }
        return m;
    }

    /** The {@code tracestate} to forward for these header lines, or "" when absent, too long or malformed. */
    static String tracestate(List<String> values) {
        if (values == null || values.isEmpty()) {
            return "";
        }
        int length = values.size() - 1;
        for (String v : values) {
            length += v.length();
        }
        if (length > MAX_TRACESTATE_CHARS) {
            return "";
        }
        List<String> members = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (String line : values) {
            for (String part : line.split(",", -1)) {
                String member = strip(part);
                if (member.isEmpty()) {
                    continue;
                }
                Matcher m = MEMBER.matcher(member);
                if (members.size() == MAX_TRACESTATE_MEMBERS || !m.matches() || !keys.add(m.group(1))) {
                    return "";
                }
                members.add(member);
            }
        }
        return String.join(",", members);
    }

    static boolean allZero(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    /** Without the optional whitespace (space, tab) around it. */
    private static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }
}
