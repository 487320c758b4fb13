package dev.clawgate.config;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Reads a JSON file in OpenClaw's {@code openclaw.json} shape into dotted keys. Nested objects flatten
 * ({@code {"gateway":{"http":{...}}}} gives {@code gateway.http.*}); an array of scalars becomes a comma-separated
 * value; each {@code agents.list[]} entry {@code {"id":"x", ...}} becomes {@code agents.x.*}, with OpenClaw's
 * {@code "model":{"primary":"p/m","fallbacks":["q/n"]}} read as {@code agents.x.model} and
 * {@code agents.x.fallbacks}, and {@code "default":true} as {@code agents.defaultAgent}. Other arrays of objects have no meaning here and are left out.
 */
final class JsonConfigFile {
    private JsonConfigFile() {
    }

    static Map<String, String> read(Path file) {
        return read(file, ConfigKeys.CONFIG_FILE);
    }

    /** Reads {@code file}; problems are {@link ConfigException}s naming {@code key}, the key that named the file. */
    static Map<String, String> read(Path file, String key) {
        JsonObject root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonValue value = Json.createReader(in).readValue();
            if (!(value instanceof JsonObject object)) {
                throw new ConfigException(key, "file " + file + " does not hold a JSON object");
            }
            root = object;
        } catch (JsonParsingException e) {
            throw new ConfigException(key, "file " + file + " is not valid JSON (line "
                    + e.getLocation().getLineNumber() + ", column " + e.getLocation().getColumnNumber() + ")");
        } catch (JsonException | NumberFormatException | ArithmeticException e) {
            // Parsson throws NumberFormatException for a number it cannot hold (1e9999999999)
            throw new ConfigException(key, "file " + file + " is not valid JSON");
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", root, out);
        return out;
    }

    static void flatten(String prefix, JsonObject object, Map<String, String> out) {
        for (Map.Entry<String, JsonValue> e : object.entrySet()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonValue value = e.getValue();
            if (key.equals("agents.list") && value instanceof JsonArray list) {
                agentList(list, out);
            } else if (value instanceof JsonObject nested) {
                flatten(key, nested, out);
            } else if (value instanceof JsonArray array) {
                String joined = scalars(array);
                if (joined != null) {
                    out.put(key, joined);
                }
            } else if (value.getValueType() != JsonValue.ValueType.NULL) {
                out.put(key, scalar(value));
            }
        }
    }

    private static void agentList(JsonArray list, Map<String, String> out) {
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof JsonObject entry) || !(entry.get("id") instanceof JsonString id)) {
                throw new ConfigException("agents.list[" + i + "]", "each entry must be an object with a string \"id\"");
            }
            String agent = id.getString().toLowerCase(java.util.Locale.ROOT);
            Map<String, String> fields = new LinkedHashMap<>();
            for (Map.Entry<String, JsonValue> f : entry.entrySet()) {
                String name = f.getKey();
                JsonValue v = f.getValue();
                if (name.equals("id")) {
                    continue;
                } else if (name.equals("default")) {
                    if (v == JsonValue.TRUE) {
                        out.putIfAbsent(ConfigKeys.DEFAULT_AGENT, agent);
                    }
                } else if (name.equals("model") && v instanceof JsonObject model) {
                    if (model.get("primary") instanceof JsonString primary) {
                        fields.put("model", primary.getString());
                    }
                    if (model.get("fallbacks") instanceof JsonArray fallbacks && scalars(fallbacks) != null) {
                        fields.put("fallbacks", scalars(fallbacks));
                    }
                } else if (v instanceof JsonObject nested) {
                    Map<String, String> sub = new LinkedHashMap<>();
                    flatten(name, nested, sub);
                    fields.putAll(sub);
                } else if (v instanceof JsonArray array) { // a list field of ours (allowedModels, tools...), no other
                    String joined = ConfigKeys.AGENT_FIELDS.contains(name) ? scalars(array) : null;
                    if (joined != null) {
                        fields.put(name, joined);
                    }
                } else if (v.getValueType() != JsonValue.ValueType.NULL) {
                    fields.put(name, scalar(v));
                }
            }
            fields.forEach((k, v) -> out.put("agents." + agent + "." + k, v));
        }
    }

    private static String scalars(JsonArray array) {
        List<String> items = new ArrayList<>();
        for (JsonValue v : array) {
            if (v instanceof JsonObject || v instanceof JsonArray) {
                return null;
            }
            if (v.getValueType() != JsonValue.ValueType.NULL) {
                items.add(scalar(v));
            }
        }
        StringJoiner j = new StringJoiner(",");
        items.forEach(j::add);
        return j.toString();
    }

    private static String scalar(JsonValue v) {
        if (v instanceof JsonString s) {
            return s.getString();
        }
        if (v instanceof JsonNumber n) {
            return n.isIntegral() ? n.bigIntegerValue().toString() : n.toString();
        }
        return v.toString();
    }
}
