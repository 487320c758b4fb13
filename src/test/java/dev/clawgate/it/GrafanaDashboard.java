package dev.clawgate.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped Grafana dashboard as a test reads it: its panels (rows unfolded), every query of every panel, and its
 * template variables, with Grafana's {@code $name}/{@code ${name}} substitution.
 */
final class GrafanaDashboard {
    static final Path FILE = Path.of("deploy/grafana/clawgate.json");
    /** Grafana's {@code label_values(selector, label)} / {@code label_values(label)} variable query. */
    static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((?:(.+),\\s*)?(\\w+)\\)$");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

    final JsonObject json;

    private GrafanaDashboard(JsonObject json) {
        this.json = json;
    }

    static GrafanaDashboard load() throws IOException {
        try (Reader in = Files.newBufferedReader(FILE); JsonReader reader = Json.createReader(in)) {
            return new GrafanaDashboard(reader.readObject());
        }
    }

    /** Every panel that is not a row, including those nested in collapsed rows. */
    List<JsonObject> panels() {
        List<JsonObject> out = new ArrayList<>();
        for (JsonValue v : json.getJsonArray("panels")) {
            JsonObject p = v.asJsonObject();
            if ("row".equals(p.getString("type"))) {
                p.getJsonArray("panels").forEach(nested -> out.add(nested.asJsonObject()));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** Every PromQL query, keyed by "panel title / refId". */
    Map<String, String> expressions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonObject panel : panels()) {
            for (JsonValue t : panel.getJsonArray("targets")) {
                JsonObject target = t.asJsonObject();
                out.put(panel.getString("title") + " / " + target.getString("refId"), target.getString("expr"));
            }
        }
        return out;
    }

    /** The template variables in order (a variable may refer to those before it). */
    List<JsonObject> variables() {
        List<JsonObject> out = new ArrayList<>();
        json.getJsonObject("templating").getJsonArray("list").forEach(v -> out.add(v.asJsonObject()));
        return out;
    }

    /**
     * {@code text} with every {@code $name} and {@code ${name}} replaced by {@code values.apply(name)}; an unknown
     * name (null) is an error, so a panel cannot use a variable the dashboard does not define.
     */
    static String substitute(String text, Function<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = values.apply(name);
            if (value == null) {
                throw new AssertionError("undefined variable $" + name + " in " + text);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
