package dev.clawgate.session;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChatRequestParser;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The on-disk form of one committed turn: one line of JSON, self-delimiting twice over,
 * <pre>{"len":&lt;N&gt;,"crc32":"&lt;8 hex&gt;","turn":&lt;payload&gt;}\n</pre>
 * where the payload is the turn's messages as an OpenAI {@code messages} array (role, content as sent — a string or
 * content parts —, name, tool_call_id, tool_calls), {@code N} its length in UTF-8 bytes and {@code crc32} the CRC-32
 * of those bytes in lower-case hex. The header has this exact field order and no spaces, so a reader checks the frame
 * byte by byte before it parses anything; every line is still plain JSON for {@code jq}.
 *
 * <p>{@link #decode} reads records from the start of a file and stops at the first one that is incomplete (a torn
 * write) or whose frame or checksum is wrong (corruption): that record and everything after it are ignored, and
 * {@link Decoded#validLength()} says where the next append must go (the store truncates the rest away first).
 */
final class TurnRecords {
    private static final byte[] HEAD = "{\"len\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRC = ",\"crc32\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TURN = "\",\"turn\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "}\n".getBytes(StandardCharsets.US_ASCII);
    /** Longest accepted payload length, in digits (a turn above 10^10 bytes is corruption, not data). */
    private static final int MAX_LEN_DIGITS = 10;

    private final ChatRequestParser parser = new ChatRequestParser();

    /**
     * What a file holds.
     *
     * @param turns       every whole record's turn with its record's size in bytes, oldest first
     * @param validLength bytes from the start that are whole records
     * @param skipped     whole records (checksum right) whose messages could not be parsed and were left out
     */
    record Decoded(List<Transcript.Turn> turns, long validLength, int skipped) {
        /** Every message of every turn, oldest first. */
        List<ChatMessage> messages() {
            return new Transcript(turns).messages();
        }
    }

    byte[] encode(List<ChatMessage> turn) {
        StringBuilder b = new StringBuilder(256).append('[');
        for (int i = 0; i < turn.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            turn.get(i).appendJson(b);
        }
        byte[] payload = b.append(']').toString().getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(payload);
        byte[] head = ("{\"len\":" + payload.length + ",\"crc32\":\"" + String.format("%08x", crc.getValue())
                + "\",\"turn\":").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + payload.length + TAIL.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        System.arraycopy(TAIL, 0, out, head.length + payload.length, TAIL.length);
        return out;
    }

    Decoded decode(byte[] file) {
        return decode(file, 0);
    }

    /** Decodes the records from offset {@code from} on; {@link Decoded#validLength()} counts from the start. */
    Decoded decode(byte[] file, int from) {
        List<Transcript.Turn> turns = new ArrayList<>();
        int pos = from;
        int skipped = 0;
        Frame frame;
        while (pos < file.length && (frame = frame(file, pos)) != null) {
            try (JsonReader reader = Json.createReader(
                    new ByteArrayInputStream(file, frame.payloadStart, frame.payloadLength))) {
                turns.add(new Transcript.Turn(parser.messages(reader.readArray()), frame.end - pos));
            } catch (RuntimeException e) {
                skipped++;
            }
            pos = frame.end;
        }
        return new Decoded(List.copyOf(turns), pos, skipped);
    }

    /** Where a whole record's payload lies, and the offset after the record. */
    private record Frame(int payloadStart, int payloadLength, int end) {
    }

    /** The record at {@code pos} if its frame and checksum are right, else null (torn or corrupt). */
    private static Frame frame(byte[] f, int pos) {
        int p = expect(f, pos, HEAD);
        long len = 0;
        int digits = 0;
        while (p >= 0 && p < f.length && f[p] >= '0' && f[p] <= '9' && digits < MAX_LEN_DIGITS) {
            len = len * 10 + (f[p++] - '0');
            digits++;
        }
        p = digits == 0 ? -1 : expect(f, p, CRC);
        if (p < 0 || p + 8 > f.length) {
            return null;
        }
        long crc;
        try {
            crc = Long.parseUnsignedLong(new String(f, p, 8, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return null;
        }
        p = expect(f, p + 8, TURN);
        if (p < 0 || len > f.length - p - TAIL.length) {
            return null;
        }
        int end = expect(f, p + (int) len, TAIL);
        CRC32 actual = new CRC32();
        actual.update(f, p, (int) len);
        return end < 0 || actual.getValue() != crc ? null : new Frame(p, (int) len, end);
    }

    /** The offset after {@code token} when it is at {@code pos}, else -1. */
    private static int expect(byte[] f, int pos, byte[] token) {
        if (pos < 0 || pos + token.length > f.length) {
            return -1;
        }
        for (int i = 0; i < token.length; i++) {
            if (f[pos + i] != token[i]) {
                return -1;
            }
        }
        return pos + token.length;
    }
}
