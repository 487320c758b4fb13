package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TraceParentTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void aWellFormedTraceparentGivesItsTraceId() {
        assertEquals(TRACE, TraceParent.traceId("00-" + TRACE + "-00f067aa0ba902b7-01"));
        assertEquals(TRACE, TraceParent.traceId("01-" + TRACE + "-00f067aa0ba902b7-00-future"));
    }

    @Test
    void anythingElseGivesEmpty() {
        for (String bad : new String[] {null, "", "garbage", "00-" + TRACE.toUpperCase() + "-00f067aa0ba902b7-01",
                "ff-" + TRACE + "-00f067aa0ba902b7-01", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01",
                "00-" + TRACE + "-0000000000000000-01", "00-" + TRACE + "-00f067aa0ba902b7-01-extra",
                "00-" + TRACE + "-00f067aa0ba902b7-01 x=1", "00-" + TRACE + "-00f067aa0ba902b7-01\nforged=1"}) {
            assertEquals("", TraceParent.traceId(bad), String.valueOf(bad));
        }
    }
}
