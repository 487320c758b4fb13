package dev.clawgate.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayDeque;
import java.util.Map;

/** Finds half a UTF-16 surrogate pair in a JSON tree: valid JSON ({@code "\\ud800"}), but no text. */
final class LoneSurrogates {
    private LoneSurrogates() {
    }

    /**
     * Whether a string or name anywhere in {@code root} holds an unpaired surrogate ({@code "\\ud800"} is valid JSON
     * but no text): UTF-8 cannot carry it, so what the upstream and the session store got would not be what was
     * validated. Walks the tree without recursion.
     */
    static boolean anywhere(JsonValue root) {
        ArrayDeque<JsonValue> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            JsonValue v = pending.pop();
            if (v instanceof JsonString s) {
                if (loneSurrogate(s.getString())) {
                    return true;
                }
            } else if (v instanceof JsonObject o) {
                for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                    if (loneSurrogate(e.getKey())) {
                        return true;
                    }
                    pending.push(e.getValue());
                }
            } else if (v instanceof JsonArray a) {
                a.forEach(pending::push);
            }
        }
        return false;
    }

    private static boolean loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
