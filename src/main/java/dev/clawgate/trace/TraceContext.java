package dev.clawgate.trace;

import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The W3C Trace Context (<a href="https://www.w3.org/TR/trace-context/">Trace Context</a>) one request carries from
 * the client through the gateway to every upstream call it causes: the trace it belongs to, the gateway's own span
 * (the {@code parent-id} the upstream sees), the trace flags and the client's {@code tracestate}. Immutable; made by
 * {@link TracePropagator} from the request's headers, or {@link #NONE} when the request is not traced.
 *
 * @param traceId    32 lower-case hex digits, not all zero; "" for {@link #NONE}
 * @param spanId     16 lower-case hex digits, not all zero: the gateway's span, sent upstream as {@code parent-id};
 *                   "" for {@link #NONE}
 * @param flags      2 lower-case hex digits ({@code 01} = sampled); "" for {@link #NONE}
 * @param tracestate the {@code tracestate} sent upstream (already checked, at most
 *                   {@value TracePropagator#MAX_TRACESTATE_CHARS} characters), or "" for none
 */
public record TraceContext(String traceId, String spanId, String flags, String tracestate) {
    /** Header names, as sent upstream. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern FLAGS = Pattern.compile("[0-9a-f]{2}");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]*");
    /** No trace context: nothing is sent upstream and the access log's {@code trace_id} is empty. */
    public static final TraceContext NONE = new TraceContext("", "", "", "");

    public TraceContext {
        boolean none = traceId.isEmpty() && spanId.isEmpty() && flags.isEmpty();
        if (!none && (!TRACE_ID.matcher(traceId).matches() || !SPAN_ID.matcher(spanId).matches()
                || !FLAGS.matcher(flags).matches() || TracePropagator.allZero(traceId)
                || TracePropagator.allZero(spanId))) {
            throw new IllegalArgumentException("not a W3C trace context: " + traceId + "-" + spanId + "-" + flags);
        }
        if (none && !tracestate.isEmpty() || tracestate.length() > TracePropagator.MAX_TRACESTATE_CHARS
                || !PRINTABLE.matcher(tracestate).matches()) {
            throw new IllegalArgumentException("tracestate without a trace, too long or not printable");
        }
    }

    /** Whether the request is traced: there is a trace id to log and headers to send upstream. */
    public boolean present() {
        return !traceId.isEmpty();
    }

    /** The {@code traceparent} value sent upstream: {@code 00-<traceId>-<spanId>-<flags>}; "" for {@link #NONE}. */
    public String traceparent() {
        return present() ? "00-" + traceId + "-" + spanId + "-" + flags : "";
    }

    /**
     * Tells {@code header} each header to send upstream: {@code traceparent}, then {@code tracestate} when there is
     * one; nothing for {@link #NONE}.
     */
    public void headers(BiConsumer<String, String> header) {
        if (present()) {
            header.accept(TRACEPARENT, traceparent());
            if (!tracestate.isEmpty()) {
                header.accept(TRACESTATE, tracestate);
            }
        }
    }
}
