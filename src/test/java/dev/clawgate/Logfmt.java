package dev.clawgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads an access-log line in logfmt the way a shipper's logfmt parser does, strictly. */
public final class Logfmt {
    private Logfmt() {
    }

    /** A logfmt reader: bare or double-quoted values with JSON escapes; fails on anything else. */
    public static Map<String, String> parse(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < line.length()) {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq);
            assertTrue(key.matches("[a-z_]+"), "key " + key + " in " + line);
            i = eq + 1;
            String value;
            if (i < line.length() && line.charAt(i) == '"') {
                int end = i + 1;
                while (line.charAt(end) != '"') {
                    end += line.charAt(end) == '\\' ? 2 : 1;
                }
                value = Json.createReader(new StringReader("[" + line.substring(i, end + 1) + "]")).readArray()
                        .getString(0);
                i = end + 1;
            } else {
                int end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                value = line.substring(i, end);
                i = end;
            }
            assertTrue(out.put(key, value) == null, "two " + key + " in " + line);
            if (i < line.length()) {
                assertEquals(' ', line.charAt(i), line);
                i++;
            }
        }
        return out;
    }

}
