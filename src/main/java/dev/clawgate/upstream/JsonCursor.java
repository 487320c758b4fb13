package dev.clawgate.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict reader of JSON text in UTF-8 bytes, for {@link ChunkScanner}: it reads a member name (no escapes), a string
 * (decoded), the literal {@code null}, a small integer, and skips any value; on anything it is not sure of — and on
 * the end of its bytes — it throws {@link #GIVE_UP}, so its caller can fall back to a full JSON parser. What it
 * accepts is strict JSON (RFC 8259): whitespace is space, tab, CR and LF; strings have no raw control character and
 * only JSON's escapes; numbers have no leading zero and, here, no exponent and at most 18 digits; nesting is bounded.
 * Not thread-safe.
 */
class JsonCursor {
    /** Thrown to give up on the bytes; no stack trace, so giving up is cheap. */
    static final RuntimeException GIVE_UP = new RuntimeException("not read here", null, false, false) {
    };
    private static final int MAX_DEPTH = 64;

    private byte[] b;
    private int p;
    private int end;
    private int keyStart;
    private int keyLength;

    /** Reads {@code bytes[from, to)} from now on; the array may go on past {@code to}. */
    void reset(byte[] bytes, int from, int to) {
        b = bytes;
        p = from;
        end = to;
    }

    /** Forgets the bytes. */
    void release() {
        b = null;
    }

    /** Whether only whitespace is left. */
    boolean atEnd() {
        ws();
        return p == end;
    }

    /** Consumes {@code c} when it is the next byte. */
    boolean take(char c) {
        if (peek() == c) {
            p++;
            return true;
        }
        return false;
    }

    /** After '{': false when the object is empty (and consumed); else reads the first member's name and colon. */
    boolean member(char close) {
        ws();
        if (peek() == close) {
            p++;
            return false;
        }
        name();
        return true;
    }

    /** After a member's value: true when another member follows (its name and colon read). */
    boolean next(char close) {
        ws();
        if (separator(close)) {
            ws();
            name();
            return true;
        }
        return false;
    }

    /** True at ',' (consumed), false at {@code close} (consumed); gives up on anything else. */
    boolean separator(char close) {
        byte c = at(p++);
        if (c == ',') {
            return true;
        }
        if (c != close) {
            throw GIVE_UP;
        }
        return false;
    }

    /** Reads a member name without escapes and its colon; the name is {@link #keyStart} / {@link #keyLength}. */
    void name() {
        expect('"');
        keyStart = p;
        while (true) {
            byte c = at(p);
            if (c == '"') {
                break;
            }
            if (c == '\\' || (c & 0xFF) < 0x20) {
                throw GIVE_UP;
            }
            p++;
        }
        keyLength = p - keyStart;
        p++;
        ws();
        expect(':');
        ws();
    }

    boolean is(byte[] name) {
        return keyLength == name.length && Arrays.equals(b, keyStart, keyStart + keyLength, name, 0, name.length);
    }

    static boolean once(boolean seen) {
        if (seen) {
            throw GIVE_UP;
        }
        return true;
    }

    // ---- values ----

    String stringOrNull() {
        if (literalNull()) {
            return null;
        }
        if (peek() != '"') {
            throw GIVE_UP;
        }
        return string();
    }

    void onlyNull() {
        if (!literalNull()) {
            throw GIVE_UP;
        }
    }

    boolean literalNull() {
        if (peek() == 'n') {
            literal("null");
            return true;
        }
        return false;
    }

    /** A JSON string at {@code p}, decoded; raw runs as UTF-8, escapes as JSON says. */
    String string() {
        p++;
        int start = p;
        boolean ascii = true;
        while (true) {
            byte c = at(p);
            if (c == '"') {
                String s = new String(b, start, p - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                p++;
                return s;
            }
            if (c == '\\') {
                return escaped(start);
            }
            if (c >= 0 && c < 0x20) {
                throw GIVE_UP;
            }
            ascii &= c >= 0;
            p++;
        }
    }

    /** The rest of a string that has an escape at {@code p}; {@code start} is its first byte. */
    String escaped(int start) {
        StringBuilder s = new StringBuilder(p - start + 16);
        int run = start;
        while (true) {
            byte c = at(p);
            if (c == '"' || c == '\\') {
                s.append(new String(b, run, p - run, StandardCharsets.UTF_8));
                p++;
                if (c == '"') {
                    return s.toString();
                }
                s.append(escape());
                run = p;
            } else if (c >= 0 && c < 0x20) {
                throw GIVE_UP;
            } else {
                p++;
            }
        }
    }

    char escape() {
        byte c = at(p++);
        switch (c) {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                int v = 0;
                for (int k = 0; k < 4; k++) {
                    int d = Character.digit(at(p++), 16);
                    if (d < 0) {
                        throw GIVE_UP;
                    }
                    v = v * 16 + d;
                }
                return (char) v;
            default:
                throw GIVE_UP;
        }
    }

    /** A non-negative integer of at most 9 digits, without sign, fraction or exponent. */
    int smallInt() {
        int start = p;
        int v = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            v = v * 10 + (b[p++] - '0');
        }
        int digits = p - start;
        if (digits == 0 || digits > 9 || digits > 1 && b[start] == '0') {
            throw GIVE_UP;
        }
        return v;
    }

    void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        byte c = peek();
        switch (c) {
            case '"' -> skipString();
            case '{' -> {
                p++;
                if (member('}')) {
                    do {
                        skipValue(depth + 1);
                    } while (next('}'));
                }
            }
            case '[' -> {
                p++;
                ws();
                if (peek() == ']') {
                    p++;
                } else {
                    do {
                        ws();
                        skipValue(depth + 1);
                        ws();
                    } while (separator(']'));
                }
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> skipNumber();
        }
    }

    void skipString() {
        p++;
        while (true) {
            byte c = at(p++);
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                escape();
            } else if (c >= 0 && c < 0x20) {
                throw GIVE_UP;
            }
        }
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)?}, at most 18 digits; no exponent. */
    void skipNumber() {
        if (peek() == '-') {
            p++;
        }
        int start = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        int digits = p - start;
        if (digits == 0 || digits > 1 && b[start] == '0') {
            throw GIVE_UP;
        }
        if (p < end && b[p] == '.') {
            p++;
            int fraction = p;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                p++;
            }
            if (p == fraction) {
                throw GIVE_UP;
            }
            digits += p - fraction;
        }
        if (digits > 18 || p < end && (b[p] == 'e' || b[p] == 'E')) {
            throw GIVE_UP;
        }
    }

    void literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (at(p++) != word.charAt(k)) {
                throw GIVE_UP;
            }
        }
    }

    void expect(char c) {
        if (at(p++) != c) {
            throw GIVE_UP;
        }
    }

    byte peek() {
        return at(p);
    }

    /** The byte at {@code i}, which must be before the end of the chunk (the array may go on past it). */
    byte at(int i) {
        if (i >= end) {
            throw GIVE_UP;
        }
        return b[i];
    }

    void ws() {
        while (p < end) {
            byte c = at(p);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            p++;
        }
    }

}
