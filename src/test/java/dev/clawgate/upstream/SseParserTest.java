package dev.clawgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    private final List<String> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    private void feed(String... pieces) {
        for (String p : pieces) {
            parser.feed(ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void lfCrlfAndCrLineEndsGiveTheSameEvents() {
        for (String eol : List.of("\n", "\r\n", "\r")) {
            events.clear();
            SseParser p = new SseParser(events::add);
            String text = "data: one" + eol + eol + "data: two" + eol + eol;
            p.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            assertEquals(List.of("one", "two"), events, "line end " + Arrays.toString(eol.toCharArray()));
        }
    }

    @Test
    void aCrlfSplitAcrossTwoBuffersIsOneLineEnd() {
        feed("data: a\r", "\ndata: b\r", "\n\r", "\n");
        assertEquals(List.of("a\nb"), events);
    }

    @Test
    void commentsEventIdAndRetryLinesAreIgnored() {
        feed(": ping\n\n", "event: message\nid: 7\nretry: 10\ndata: x\n\n", ":\n");
        assertEquals(List.of("x"), events);
    }

    @Test
    void multiLineDataIsJoinedWithNewlines() {
        feed("data: {\"a\":\ndata:1}\n\n");
        assertEquals(List.of("{\"a\":\n1}"), events);
    }

    @Test
    void onlyOneSpaceAfterTheColonIsDroppedAndABareDataFieldIsEmpty() {
        feed("data:  two spaces\n\n", "data\n\n");
        assertEquals(List.of(" two spaces", ""), events);
    }

    @Test
    void aCharacterSplitAcrossBuffersIsDecodedWhole() {
        byte[] bytes = "data: héllo €\n\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            parser.feed(ByteBuffer.wrap(bytes, i, 1));
        }
        assertEquals(List.of("héllo €"), events);
    }

    @Test
    void aLastEventWithoutItsBlankLineIsDispatchedAtEnd() {
        feed("data: first\n\ndata: last");
        assertEquals(List.of("first"), events);
        parser.end();
        assertEquals(List.of("first", "last"), events);
    }

    @Test
    void anOversizedLineIsAProtocolError() {
        SseParser small = new SseParser(events::add, 1024);
        assertThrows(SseParser.SseProtocolException.class,
                () -> small.feed(ByteBuffer.wrap(("data: " + "x".repeat(2000)).getBytes(StandardCharsets.UTF_8))));
    }
}
