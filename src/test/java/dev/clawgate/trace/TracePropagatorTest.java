package dev.clawgate.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Reading, continuing and starting W3C Trace Context: which {@code traceparent} continues (same trace id and flags,
 * a new parent id), which is ignored, what {@code tracestate} is forwarded, and when a trace is started.
 */
class TracePropagatorTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT = "00f067aa0ba902b7";
    static final String VALID = "00-" + TRACE + "-" + PARENT + "-01";

    private static final TracePropagator CONTINUE = new TracePropagator(false);
    private static final TracePropagator GENERATE = new TracePropagator(true);

    private static TraceContext of(TracePropagator p, String traceparent, String... tracestate) {
        return p.of(traceparent == null ? List.of() : List.of(traceparent), List.of(tracestate));
    }

    /** The given numbers, then 0x1111… forever. */
    private static LongSupplier numbers(long... first) {
        PrimitiveIterator.OfLong it = LongStream.concat(LongStream.of(first),
                LongStream.generate(() -> 0x1111111111111111L)).iterator();
        return it::nextLong;
    }

    @Test
    void aValidTraceparentKeepsItsTraceIdAndFlagsAndGetsANewParentId() {
        TraceContext t = of(CONTINUE, VALID);
        assertEquals(TRACE, t.traceId());
        assertEquals("01", t.flags());
        assertTrue(t.spanId().matches("[0-9a-f]{16}"), t.spanId());
        assertNotEquals(PARENT, t.spanId());
        assertFalse(TracePropagator.allZero(t.spanId()));
        assertEquals("00-" + TRACE + "-" + t.spanId() + "-01", t.traceparent());
        assertEquals("00", of(CONTINUE, "00-" + TRACE + "-" + PARENT + "-00").flags());
    }

    @Test
    void eachRequestGetsItsOwnSpanId() {
        assertNotEquals(of(CONTINUE, VALID).spanId(), of(CONTINUE, VALID).spanId());
    }

    @Test
    void flagsTheGatewayDoesNotKnowAreZeroedAndTheRandomTraceIdFlagIsKept() {
        assertEquals("01", of(CONTINUE, "00-" + TRACE + "-" + PARENT + "-f1").flags());
        assertEquals("03", of(CONTINUE, "00-" + TRACE + "-" + PARENT + "-ff").flags());
        assertEquals("03", of(CONTINUE, "00-" + TRACE + "-" + PARENT + "-03").flags());
        assertEquals("02", of(CONTINUE, "00-" + TRACE + "-" + PARENT + "-06").flags());
    }

    @Test
    void aFutureVersionIsReadAsVersion00AndSentOnAs00() {
        TraceContext t = of(CONTINUE, "01-" + TRACE + "-" + PARENT + "-01-what-the-future-holds");
        assertEquals(TRACE, t.traceId());
        assertTrue(t.traceparent().startsWith("00-" + TRACE + "-"), t.traceparent());
        assertEquals(TRACE, of(CONTINUE, "cc-" + TRACE + "-" + PARENT + "-00").traceId());
    }

    @Test
    void optionalWhitespaceAroundTheHeaderIsAllowed() {
        assertEquals(TRACE, of(CONTINUE, " \t" + VALID + " ").traceId());
    }

    @Test
    void anInvalidTraceparentIsIgnored() {
        String upper = "00-" + TRACE.toUpperCase() + "-" + PARENT + "-01";
        for (String bad : new String[] {"", "garbage", upper, "00-" + TRACE + "-" + PARENT.toUpperCase() + "-01",
                "00-" + TRACE + "-" + PARENT + "-0A", "ff-" + TRACE + "-" + PARENT + "-01",
                "0-" + TRACE + "-" + PARENT + "-01", "000-" + TRACE + "-" + PARENT + "-01",
                "00-" + "0".repeat(32) + "-" + PARENT + "-01", "00-" + TRACE + "-" + "0".repeat(16) + "-01",
                "00-" + TRACE + "-" + PARENT + "-01-extra", "00-" + TRACE + "-" + PARENT + "-01 x=1",
                "00-" + TRACE + "-" + PARENT + "-01\nforged: 1", "01-" + TRACE + "-" + PARENT + "-01x",
                "00_" + TRACE + "_" + PARENT + "_01", "00-" + TRACE + "0-" + PARENT + "-01",
                "00-" + TRACE.substring(1) + "-" + PARENT + "-01", "00-" + TRACE + "-" + PARENT + "-1",
                "00-" + TRACE + "-" + PARENT + "-01" + "-".repeat(600)}) {
            assertSame(TraceContext.NONE, of(CONTINUE, bad, "vendor=kept"), bad);
        }
    }

    @Test
    void aTraceparentSentTwiceIsIgnored() {
        assertSame(TraceContext.NONE, CONTINUE.of(List.of(VALID, VALID), List.of()));
    }

    @Test
    void withoutAValidTraceparentNothingIsTracedUnlessGenerationIsOn() {
        assertSame(TraceContext.NONE, of(CONTINUE, null, "vendor=dropped"));
        assertFalse(TraceContext.NONE.present());
        assertEquals("", TraceContext.NONE.traceparent());
        List<String> sent = new ArrayList<>();
        TraceContext.NONE.headers((name, value) -> sent.add(name));
        assertEquals(List.of(), sent);
    }

    @Test
    void withGenerationOnAMissingOrInvalidTraceparentStartsASampledTraceWithoutTheClientsTracestate() {
        for (String header : Arrays.asList(null, "ff-" + TRACE + "-" + PARENT + "-01")) {
            TraceContext t = of(GENERATE, header, "vendor=dropped");
            assertTrue(t.present());
            assertTrue(t.traceId().matches("[0-9a-f]{32}") && !TracePropagator.allZero(t.traceId()), t.traceId());
            assertNotEquals(TRACE, t.traceId());
            assertTrue(t.spanId().matches("[0-9a-f]{16}") && !TracePropagator.allZero(t.spanId()), t.spanId());
            assertEquals(TracePropagator.GENERATED_FLAGS, t.flags());
            assertEquals("01", t.flags());
            assertEquals("", t.tracestate());
        }
        assertNotEquals(of(GENERATE, null).traceId(), of(GENERATE, null).traceId());
    }

    @Test
    void withGenerationOnAValidTraceparentIsStillContinued() {
        TraceContext t = of(GENERATE, VALID, "vendor=kept");
        assertEquals(TRACE, t.traceId());
        assertEquals("vendor=kept", t.tracestate());
    }

    @Test
    void generatedIdsAreNeverAllZero() {
        TraceContext t = new TracePropagator(true, numbers(0, 0, 0, 0x2a, 0, 0x5)).start();
        assertEquals("0000000000000000000000000000002a", t.traceId());
        assertEquals("0000000000000005", t.spanId());
        TraceContext continued = new TracePropagator(false, numbers(0, 0, 7)).of(List.of(VALID), List.of());
        assertEquals("0000000000000007", continued.spanId());
    }

    @Test
    void theTracestateIsForwardedAsReceivedAcrossHeaderLinesWithoutEmptyMembersOrWhitespace() {
        assertEquals("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
                of(CONTINUE, VALID, "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7").tracestate());
        assertEquals("a=1,b=2,c=3", of(CONTINUE, VALID, "a=1,,", " \t", "b=2 ,\tc=3").tracestate());
        assertEquals("tenant@system=v a l u e,1digit-first=x,k_-*/=!\"#",
                of(CONTINUE, VALID, "tenant@system=v a l u e,1digit-first=x,k_-*/=!\"#").tracestate());
        assertEquals("", of(CONTINUE, VALID).tracestate());
    }

    @Test
    void aTracestateOf512CharactersIsForwardedAndALongerOneDropped() {
        String member = "k=" + "v".repeat(254); // 256 characters
        String key2 = "l=" + "v".repeat(253); // 255: with the comma, 512 in all
        assertEquals(512, (member + "," + key2).length());
        assertEquals(member + "," + key2, of(CONTINUE, VALID, member + "," + key2).tracestate());
        assertEquals(member + "," + key2, of(CONTINUE, VALID, member, key2).tracestate());
        TraceContext longer = of(CONTINUE, VALID, member + "," + key2 + "v");
        assertEquals("", longer.tracestate());
        assertEquals(TRACE, longer.traceId(), "the traceparent still goes on");
    }

    @Test
    void aTracestateOf32MembersIsForwardedAnd33Dropped() {
        String members32 = String.join(",", IntStream.range(0, 32).mapToObj(i -> "k" + i + "=v").toList());
        assertEquals(members32, of(CONTINUE, VALID, members32).tracestate());
        assertEquals("", of(CONTINUE, VALID, members32 + ",k32=v").tracestate());
    }

    @Test
    void aMalformedTracestateIsDroppedWhole() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("no value", "a=1,b");
        bad.put("empty value", "a=1,b=");
        bad.put("upper-case key", "a=1,Key=v");
        bad.put("key starting with a symbol", "_k=v");
        bad.put("space inside a key", "a b=v");
        bad.put("space before =", "a =v");
        bad.put("= in the value", "a=b=c");
        bad.put("non-ASCII value", "a=\u00e9");
        bad.put("control character", "a=b\u0001");
        bad.put("duplicate key", "a=1,b=2,a=3");
        bad.put("key over 256 characters", "k" + "x".repeat(256) + "=v");
        bad.put("value over 256 characters", "k=" + "v".repeat(257));
        bad.forEach((why, value) -> assertEquals("", of(CONTINUE, VALID, value).tracestate(), why));
    }

    @Test
    void theHeadersSentUpstreamAreTraceparentThenTracestateWhenThereIsOne() {
        Map<String, String> sent = new LinkedHashMap<>();
        TraceContext t = new TraceContext(TRACE, "b7ad6b7169203331", "01", "vendor=x");
        t.headers(sent::put);
        assertEquals(Map.of("traceparent", "00-" + TRACE + "-b7ad6b7169203331-01", "tracestate", "vendor=x"), sent);
        assertEquals(List.of("traceparent", "tracestate"), List.copyOf(sent.keySet()));
        sent.clear();
        new TraceContext(TRACE, "b7ad6b7169203331", "00", "").headers(sent::put);
        assertEquals(Map.of("traceparent", "00-" + TRACE + "-b7ad6b7169203331-00"), sent);
    }

    @Test
    void aTraceContextRefusesWhatIsNotOne() {
        assertThrows(IllegalArgumentException.class, () -> new TraceContext(TRACE.toUpperCase(), PARENT, "01", ""));
        assertThrows(IllegalArgumentException.class, () -> new TraceContext("0".repeat(32), PARENT, "01", ""));
        assertThrows(IllegalArgumentException.class, () -> new TraceContext(TRACE, "0".repeat(16), "01", ""));
        assertThrows(IllegalArgumentException.class, () -> new TraceContext(TRACE, PARENT, "1", ""));
        assertThrows(IllegalArgumentException.class, () -> new TraceContext(TRACE, PARENT, "01", "a=b\r\nx: y"));
        assertThrows(IllegalArgumentException.class, () -> new TraceContext("", "", "", "a=b"));
    }
}
