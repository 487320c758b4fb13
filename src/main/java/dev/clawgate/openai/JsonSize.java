package dev.clawgate.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * The size of a JSON value written as compact text, counted without writing it: string contents count their
 * characters (escapes are not counted, so this is a lower bound within a few percent), numbers their digits. The
 * count stops as soon as it passes a limit, so a huge value costs no more than the limit to measure, and it walks
 * with its own stack, so a deeply nested value cannot overflow the thread's.
 */
final class JsonSize {
    private JsonSize() {
    }

    /** {@code start} plus the size of {@code value}; a value above {@code limit} once the total passes it. */
    static long add(long start, JsonValue value, long limit) {
        long size = start;
        ArrayDeque<JsonValue> pending = new ArrayDeque<>();
        pending.push(value);
        while (!pending.isEmpty() && size <= limit) {
            JsonValue v = pending.pop();
            if (v instanceof JsonString s) {
                size += 2 + s.getString().length();
            } else if (v instanceof JsonNumber n) {
                size += n.toString().length();
            } else if (v instanceof JsonArray a) {
                size += 1 + Math.max(1, a.size());
                a.forEach(pending::push);
            } else if (v instanceof JsonObject o) {
                size += 1 + Math.max(1, o.size());
                for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                    size += 3 + e.getKey().length();
                    pending.push(e.getValue());
                }
            } else {
                size += v == JsonValue.FALSE ? 5 : 4;
            }
        }
        return size;
    }
}
