package dev.clawgate.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request parser: what passes through to the upstream as sent, and every bound as a 400 naming its field. */
class ChatRequestParserTest {
    private static final String USER = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private final ChatRequestParser parser = new ChatRequestParser();

    private ChatRequest parse(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return parser.parse(b, b.length);
    }

    private ApiException refused(String json) {
        ApiException e = assertThrows(ApiException.class, () -> parse(json));
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        return e;
    }

    @Test
    void everyFieldButTheGatewaysOwnIsPassedThroughAsSentInOrderNullsIncluded() {
        ChatRequest r = parse("{\"top_k\":40,\"model\":\"openclaw\",\"stream\":true,\"logprobs\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"chat_template_kwargs\":{\"enable_thinking\":false},"
                + "\"temperature\":null,\"user\":\"u\",\"n\":2," + USER + "}");
        assertEquals(List.of("top_k", "logprobs", "chat_template_kwargs", "temperature", "user", "n"),
                List.copyOf(r.upstreamParams().keySet()));
        assertEquals(JsonValue.NULL, r.upstreamParams().get("temperature"));
        assertEquals(Json.createObjectBuilder().add("enable_thinking", false).build(),
                r.upstreamParams().get("chat_template_kwargs"));
        assertEquals(2, r.choices());
    }

    @Test
    void nDefaultsToOneAndIsBoundedByMaxChoices() {
        assertEquals(1, parse("{" + USER + "}").choices());
        assertEquals(1, parse("{\"n\":null," + USER + "}").choices());
        assertEquals(8, parse("{\"n\":8," + USER + "}").choices());
        ApiException e = refused("{\"n\":9," + USER + "}");
        assertEquals("n", e.param());
        assertEquals("integer_above_max_value", e.code());
        assertEquals("n", refused("{\"n\":99999999999999999999," + USER + "}").param());
        assertEquals("n", refused("{\"n\":\"2\"," + USER + "}").param());
    }

    @Test
    void aModelOfOneMegabyteIsRefusedNamingModel() {
        ApiException e = refused("{\"model\":\"openclaw" + " ".repeat(1 << 20) + "\"," + USER + "}");
        assertEquals("model", e.param());
        assertEquals("string_above_max_length", e.code());
        assertFalse(e.getMessage().contains("    "), "the message does not echo the value");
    }

    @Test
    void aModelAtTheLimitIsAcceptedAndOneCharMoreIsNot() {
        assertEquals(256, parse("{\"model\":\"" + "m".repeat(256) + "\"," + USER + "}").model().length());
        assertEquals("model", refused("{\"model\":\"" + "m".repeat(257) + "\"," + USER + "}").param());
    }

    @Test
    void aUserLongerThanTheLimitIsRefusedNamingUser() {
        assertEquals("user", refused("{\"user\":\"" + "u".repeat(513) + "\"," + USER + "}").param());
    }

    @Test
    void headerValuesLongerThanTheLimitAreRefusedNamingTheHeader() {
        parser.checkHeader("x-openclaw-session-key", "k".repeat(512));
        parser.checkHeader("x-openclaw-agent-id", null);
        ApiException e = assertThrows(ApiException.class,
                () -> parser.checkHeader("x-openclaw-session-key", "k".repeat(513)));
        assertEquals(400, e.status());
        assertEquals("x-openclaw-session-key", e.param());
    }

    @Test
    void moreMessagesThanTheLimitAreRefusedNamingMessages() {
        String one = "{\"role\":\"user\",\"content\":\"x\"}";
        String limit = String.join(",", java.util.Collections.nCopies(2000, one));
        assertEquals(2000, parse("{\"messages\":[" + limit + "]}").messages().size());
        ApiException e = refused("{\"messages\":[" + limit + "," + one + "]}");
        assertEquals("messages", e.param());
        assertEquals("array_above_max_length", e.code());
    }

    @Test
    void moreContentPartsThanTheLimitAreRefusedNamingMessages() {
        String parts = "{\"type\":\"text\",\"text\":\"p\"},".repeat(256);
        parse("{\"messages\":[{\"role\":\"user\",\"content\":[" + parts.substring(0, parts.length() - 1) + "]}]}");
        ApiException e = refused("{\"messages\":[{\"role\":\"user\",\"content\":[" + parts
                + "{\"type\":\"text\",\"text\":\"p\"}]}]}");
        assertEquals("messages", e.param());
        assertEquals("array_above_max_length", e.code());
    }

    @Test
    void passedThroughFieldsLargerThanTheLimitAreRefusedNamingTheFieldThatCrossedIt() {
        String big = "\"" + "x".repeat(600_000) + "\"";
        parse("{\"guided_json\":" + big + "," + USER + "}");
        ApiException e = refused("{\"guided_json\":" + big + ",\"grammar\":" + big + "," + USER + "}");
        assertEquals("grammar", e.param());
        assertEquals("request_too_large", e.code());
    }

    @Test
    void manySmallUnknownFieldsCountTowardTheSameBound() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < 60_000; i++) {
            b.append("\"field_").append(i).append("\":[1,2,3,4,5],");
        }
        assertEquals("request_too_large", refused(b.append(USER).append('}').toString()).code());
    }

    @Test
    void deeplyNestedPassThroughIsMeasuredWithoutOverflowingTheStack() {
        String nested = "[".repeat(900) + "]".repeat(900);
        assertEquals(1, parse("{\"metadata_x\":" + nested + "," + USER + "}").upstreamParams().size());
    }

    @Test
    void jsonNestedDeeperThanTheReaderAllowsIsA400NotAServerError() {
        String nested = "[".repeat(5_000) + "]".repeat(5_000);
        ApiException e = refused("{\"metadata_x\":" + nested + "," + USER + "}");
        assertEquals("invalid_json", e.code());
    }

    @Test
    void configuredLimitsReplaceTheDefaults() {
        ChatRequestParser small = new ChatRequestParser(new RequestLimits(16, 4, 8, 1, 1, 1024, 2));
        byte[] body = ("{\"user\":\"abcde\"," + USER + "}").getBytes(StandardCharsets.UTF_8);
        assertEquals("user", assertThrows(ApiException.class, () -> small.parse(body, body.length)).param());
        byte[] three = ("{\"n\":3," + USER + "}").getBytes(StandardCharsets.UTF_8);
        assertEquals("n", assertThrows(ApiException.class, () -> small.parse(three, three.length)).param());
    }

    @Test
    void storedTranscriptsAreReadWithoutTheRequestBounds() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 2500; i++) {
            b.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"x\"}");
        }
        assertEquals(2500, parser.messages(Json.createReader(new java.io.StringReader(b.append(']').toString()))
                .readArray()).size());
    }
}
