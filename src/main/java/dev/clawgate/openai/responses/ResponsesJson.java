package dev.clawgate.openai.responses;

import jakarta.json.JsonStructure;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.lang.reflect.Type;
import java.math.BigDecimal;

/**
 * The one JSON-B (Yasson) instance of the Responses API wire types. Java names map to the wire's
 * {@code snake_case}; nulls are written (OpenAI's clients expect {@code "error":null}); property order is fixed
 * per class by {@code @JsonbPropertyOrder}. Binding is strict where Yasson is lenient: a string, boolean or number
 * property only accepts a JSON value of that kind or null ({@code "5"} is not an integer, {@code 5} is not a
 * string).
 * Thread-safe; creating it is the expensive part, so it is built once.
 */
final class ResponsesJson {
    // Yasson on Parsson named outright: no ServiceLoader look-up through whichever context class loader the first
    // caller's thread has
    /** Parsson, for building JSON-P values: {@code Json.createValue} and friends look the provider up per call. */
    static final JsonProvider JSONP = new org.eclipse.parsson.JsonProviderImpl();

    static final Jsonb JSONB = new org.eclipse.yasson.JsonBindingProvider().create()
            .withProvider(JSONP)
            .withConfig(new JsonbConfig()
                    .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
                    .withNullValues(true)
                    .withDeserializers(new StrictString(), new StrictBoolean(), new StrictLong(), new StrictDouble()))
            .build();

    private ResponsesJson() {
    }

    /** Binds a JSON-P tree (already parsed and bounded by the body reader) to {@code type}. */
    static <T> T bind(JsonStructure json, Type type) throws JsonbException {
        // from the tree's text: Yasson's fromJsonStructure reports true/false to deserializers as strings, and its
        // JsonValue properties are misread from a parser over a tree, so the tree is bound as JSON text
        return JSONB.fromJson(json.toString(), type);
    }

    /** Writes a bound object as compact JSON. */
    static String write(Object value) {
        return JSONB.toJson(value);
    }

    private static JsonbException wrongKind(String expected) {
        // the message names the kind only, never the value: it may reach the client
        return new JsonbException("expected " + expected);
    }

    static final class StrictString implements JsonbDeserializer<String> {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext ctx, Type type) {
            JsonParser.Event e = parser.currentEvent();
            if (e == JsonParser.Event.VALUE_NULL) {
                return null;
            }
            // KEY_NAME: Yasson reads the keys of a Map<String, …> through the String deserializer too
            if (e != JsonParser.Event.VALUE_STRING && e != JsonParser.Event.KEY_NAME) {
                throw wrongKind("a string");
            }
            return parser.getString();
        }
    }

    static final class StrictBoolean implements JsonbDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser parser, DeserializationContext ctx, Type type) {
            return switch (parser.currentEvent()) {
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                default -> throw wrongKind("a boolean");
            };
        }
    }

    static final class StrictLong implements JsonbDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser parser, DeserializationContext ctx, Type type) {
            if (parser.currentEvent() == JsonParser.Event.VALUE_NULL) {
                return null;
            }
            if (parser.currentEvent() != JsonParser.Event.VALUE_NUMBER) {
                throw wrongKind("an integer");
            }
            BigDecimal n = parser.getBigDecimal();
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                throw wrongKind("an integer");
            }
        }
    }

    static final class StrictDouble implements JsonbDeserializer<Double> {
        @Override
        public Double deserialize(JsonParser parser, DeserializationContext ctx, Type type) {
            if (parser.currentEvent() == JsonParser.Event.VALUE_NULL) {
                return null;
            }
            if (parser.currentEvent() != JsonParser.Event.VALUE_NUMBER) {
                throw wrongKind("a number");
            }
            return parser.getBigDecimal().doubleValue();
        }
    }
}
