package dev.clawgate.openai.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.openai.ToolCall;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ResponsesRequestParserTest {
    private final ResponsesRequestParser parser = new ResponsesRequestParser();

    static ResponsesRequest parse(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new ResponsesRequestParser().parse(bytes, bytes.length);
    }

    private static String wire(List<ChatMessage> messages) {
        return messages.stream().map(m -> m.appendJson(new StringBuilder()).toString())
                .collect(Collectors.joining(","));
    }

    @Test
    void aStringInputIsOneUserMessageAndTheDefaultsAreThoseOfTheResponsesApi() {
        ResponsesRequest r = parse("{\"model\":\"openclaw:main\",\"input\":\"Hello\"}");
        assertEquals(List.of(ChatMessage.text("user", "Hello")), r.chat().messages());
        assertEquals("openclaw:main", r.model());
        assertFalse(r.stream());
        assertTrue(r.store(), "store defaults to true");
        assertTrue(r.parallelToolCalls());
        assertEquals(Json.createValue("auto"), r.toolChoice());
        assertEquals(Map.of(), r.metadata());
        assertTrue(r.chat().includeUsage(), "a response always reports usage");
        assertEquals(Map.of(), r.chat().upstreamParams());
        assertNull(r.chat().maxTokens());
    }

    @Test
    void instructionsComeFirstAsASystemMessage() {
        ResponsesRequest r = parse("{\"instructions\":\"Be brief.\",\"input\":[{\"role\":\"system\",\"content\":\"s\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"system\",\"content\":\"s\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}", wire(r.chat().messages()));
        assertEquals("Be brief.", r.instructions());
    }

    @Test
    void messageItemsKeepTheirRolesAndTextPartsBecomeOneString() {
        ResponsesRequest r = parse("{\"input\":["
                + "{\"type\":\"message\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"d\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"a\"},"
                + "{\"type\":\"input_text\",\"text\":\"b\"}]},"
                + "{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"Hi!\",\"annotations\":[]}]},"
                + "{\"role\":\"user\",\"content\":\"again\"}]}");
        assertEquals("{\"role\":\"developer\",\"content\":\"d\"},{\"role\":\"user\",\"content\":\"a\\nb\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hi!\"},{\"role\":\"user\",\"content\":\"again\"}",
                wire(r.chat().messages()));
    }

    @Test
    void imagePartsArePassedOnAsImageUrlPartsWithTheirUrlUntouched() {
        ResponsesRequest r = parse("{\"input\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,iVBORw0KGgo=\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"https://example.com/cat.png\",\"detail\":\"low\"}]}]}");
        assertEquals("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\",\"detail\":\"low\"}}]}",
                wire(r.chat().messages()));
    }

    @Test
    void functionCallsJoinTheAssistantMessageBeforeThemAndOutputsBecomeToolMessages() {
        ResponsesRequest r = parse("{\"input\":[{\"role\":\"user\",\"content\":\"weather in Paris and Rome?\"},"
                + "{\"role\":\"assistant\",\"content\":\"Checking.\"},"
                + "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_a\",\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\",\"status\":\"completed\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_b\",\"name\":\"get_weather\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_a\",\"output\":\"18C\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_b\",\"output\":[{\"type\":\"input_text\","
                + "\"text\":\"21C\"}]}]}");
        List<ChatMessage> m = r.chat().messages();
        assertEquals(4, m.size());
        assertEquals(List.of(new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_b", "get_weather", "{}")), m.get(1).toolCalls());
        assertEquals("Checking.", m.get(1).text());
        assertEquals("{\"role\":\"tool\",\"content\":\"18C\",\"tool_call_id\":\"call_a\"},"
                + "{\"role\":\"tool\",\"content\":\"21C\",\"tool_call_id\":\"call_b\"}", wire(m.subList(2, 4)));
    }

    @Test
    void aFunctionCallWithoutAnAssistantMessageBeforeItIsAnAssistantMessageWithNullContent() {
        ResponsesRequest r = parse("{\"previous_response_id\":\"resp_1\",\"input\":[{\"type\":\"function_call\","
                + "\"call_id\":\"call_a\",\"name\":\"f\",\"arguments\":\"{}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_a\",\"output\":\"ok\"}]}");
        assertEquals("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"content\":\"ok\",\"tool_call_id\":\"call_a\"}", wire(r.chat().messages()));
        assertEquals("resp_1", r.previousResponseId());
    }

    @Test
    void functionToolsBecomeChatToolsAndTheSettingsBecomeChatParameters() {
        ResponsesRequest r = parse("{\"model\":\"m\",\"input\":\"hi\",\"stream\":true,\"store\":false,"
                + "\"user\":\"alice\",\"temperature\":0.5,\"top_p\":0.9,\"max_output_tokens\":64,"
                + "\"parallel_tool_calls\":false,\"metadata\":{\"k\":\"v\"},"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}},\"strict\":true}],"
                + "\"tool_choice\":{\"type\":\"function\",\"name\":\"get_weather\"}}");
        ChatRequest chat = r.chat();
        assertTrue(chat.stream());
        assertEquals("alice", chat.user());
        assertEquals(64L, chat.maxTokens());
        assertEquals("{\"temperature\":0.5,\"top_p\":0.9,\"max_tokens\":64,\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}},\"strict\":true}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},"
                + "\"parallel_tool_calls\":false}", Json.createObjectBuilder(chat.upstreamParams()).build().toString());
        assertFalse(r.store());
        assertFalse(r.parallelToolCalls());
        assertEquals(Map.of("k", "v"), r.metadata());
        assertEquals(0.5, r.temperature());
        assertEquals(0.9, r.topP());
        assertEquals(64L, r.maxOutputTokens());
        assertEquals("get_weather", r.tools().get(0).name);
        assertEquals(Json.createObjectBuilder().add("type", "function").add("name", "get_weather").build(),
                r.toolChoice());
    }

    @Test
    void aBlankUserIsNoUserAndNullFieldsAreAbsentFields() {
        ResponsesRequest r = parse("{\"input\":\"hi\",\"user\":\"  \",\"model\":null,\"tools\":null,"
                + "\"temperature\":null,\"tool_choice\":null,\"metadata\":null,\"store\":null}");
        assertNull(r.user());
        assertNull(r.model());
        assertEquals("openclaw", r.chat().echoModel());
        assertTrue(r.store());
        assertEquals(Map.of(), r.chat().upstreamParams());
    }

    @Test
    void aJsonSchemaTextFormatBecomesChatsResponseFormatAndIsEchoedAsSent() {
        ResponsesRequest r = parse("{\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"city\","
                + "\"strict\":true,\"schema\":{\"type\":\"object\"},\"description\":\"A city\"},\"verbosity\":\"low\"}}");
        assertEquals("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"city\",\"description\":\"A city\","
                + "\"schema\":{\"type\":\"object\"},\"strict\":true}}",
                r.chat().upstreamParams().get("response_format").toString());
        assertEquals("{\"format\":{\"type\":\"json_schema\",\"name\":\"city\",\"description\":\"A city\","
                + "\"schema\":{\"type\":\"object\"},\"strict\":true}}", r.text().toString());
    }

    @Test
    void aJsonObjectTextFormatIsJsonModeAndPlainTextSendsNoResponseFormat() {
        assertEquals("{\"type\":\"json_object\"}", parse("{\"input\":\"hi\",\"text\":{\"format\":"
                + "{\"type\":\"json_object\"}}}").chat().upstreamParams().get("response_format").toString());
        for (String text : List.of("", ",\"text\":null", ",\"text\":{}", ",\"text\":{\"format\":{\"type\":\"text\"}}")) {
            ResponsesRequest r = parse("{\"input\":\"hi\"" + text + "}");
            assertFalse(r.chat().upstreamParams().containsKey("response_format"), text);
            assertEquals("{\"format\":{\"type\":\"text\"}}", r.text().toString(), text);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not an object              | []                                                                   |                      | must be a JSON object
            input missing              | {"model":"m"}                                                        | input                | Missing required parameter: 'input'
            input a number             | {"input":5}                                                          | input                | must be a string or an array
            input empty                | {"input":[]}                                                         | input                | at least one item
            item not an object         | {"input":["hi"]}                                                     | input                | input[0] must be an object
            item without type or role  | {"input":[{"content":"hi"}]}                                         | input                | input[0] must have a 'type' or a 'role'
            unsupported item type      | {"input":[{"type":"reasoning","summary":[]}]}                        | input                | unsupported type 'reasoning'
            item field of wrong type   | {"input":[{"role":5,"content":"hi"}]}                                | input                | input[0] has a field of the wrong type
            unknown role               | {"input":[{"role":"tool","content":"hi"}]}                           | input                | input[0].role must be one of
            content a number           | {"input":[{"role":"user","content":5}]}                              | input                | input[0].content must be a string or an array
            content missing            | {"input":[{"role":"user"}]}                                          | input                | input[0].content must be a string or an array
            unsupported part           | {"input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]} | input         | unsupported content part type 'input_file'
            part text not a string     | {"input":[{"role":"user","content":[{"type":"input_text","text":5}]}]} | input              | has a part with a field of the wrong type
            part text missing          | {"input":[{"role":"user","content":[{"type":"input_text"}]}]}        | input                | input[0].content[0].text must be a string
            image by file id           | {"input":[{"role":"user","content":[{"type":"input_image","file_id":"f"}]}]} | input        | image_url is required
            image detail unknown       | {"input":[{"role":"user","content":[{"type":"input_image","image_url":"https://x/y.png","detail":"max"}]}]} | input | detail must be
            call without call_id       | {"input":[{"type":"function_call","name":"f","arguments":"{}"}]}     | input                | input[0].call_id is required
            call without name          | {"input":[{"type":"function_call","call_id":"c"}]}                   | input                | input[0].name is required
            output without output      | {"input":[{"type":"function_call_output","call_id":"c"}]}            | input                | input[0].output is required
            no user message            | {"input":[{"role":"assistant","content":"hi"}]}                      | input                | must contain a user message
            non-function tool          | {"input":"hi","tools":[{"type":"web_search"}]}                       | tools                | tools[0] has unsupported type 'web_search'
            tool without name          | {"input":"hi","tools":[{"type":"function"}]}                         | tools                | tools[0].name must match
            tool name with a space     | {"input":"hi","tools":[{"type":"function","name":"get weather"}]}    | tools                | tools[0].name must match
            tool parameters a string   | {"input":"hi","tools":[{"type":"function","name":"f","parameters":"x"}]} | tools            | tools[0].parameters must be a JSON Schema object
            tools not an array         | {"input":"hi","tools":{"type":"function"}}                           | tools                | `tools` must be an array of tool objects
            tool_choice unknown        | {"input":"hi","tool_choice":"any"}                                   | tool_choice          | `tool_choice` must be
            tool_choice hosted tool    | {"input":"hi","tool_choice":{"type":"web_search"}}                   | tool_choice          | `tool_choice` must be
            temperature too high       | {"input":"hi","temperature":2.5}                                     | temperature          | between 0 and 2
            temperature a string       | {"input":"hi","temperature":"hot"}                                   | temperature          | `temperature` must be a number
            top_p too high             | {"input":"hi","top_p":1.5}                                           | top_p                | between 0 and 1
            max_output_tokens zero     | {"input":"hi","max_output_tokens":0}                                 | max_output_tokens    | must be a positive integer
            max_output_tokens fraction | {"input":"hi","max_output_tokens":1.5}                               | max_output_tokens    | must be an integer
            stream a string            | {"input":"hi","stream":"true"}                                       | stream               | `stream` must be a boolean
            store a number             | {"input":"hi","store":0}                                             | store                | `store` must be a boolean
            model a number             | {"input":"hi","model":5}                                             | model                | `model` must be a string
            metadata value a number    | {"input":"hi","metadata":{"k":1}}                                    | metadata             | `metadata` must be an object of string values
            metadata an array          | {"input":"hi","metadata":["k"]}                                      | metadata             | `metadata` must be an object of string values
            background mode            | {"input":"hi","background":true}                                     | background           | not supported
            empty previous response id | {"input":"hi","previous_response_id":""}                             | previous_response_id | must not be empty
            text a string              | {"input":"hi","text":"json"}                                         | text                 | `text` must be an object
            text format without type   | {"input":"hi","text":{"format":{}}}                                  | text                 | `text.format` must be an object with a 'type'
            text format unknown type   | {"input":"hi","text":{"format":{"type":"xml"}}}                      | text                 | `text.format.type` must be
            json_schema without name   | {"input":"hi","text":{"format":{"type":"json_schema","schema":{}}}}  | text                 | `text.format.name` is required
            json_schema without schema | {"input":"hi","text":{"format":{"type":"json_schema","name":"n"}}}   | text                 | `text.format.schema` is required
            json_schema strict a string | {"input":"hi","text":{"format":{"type":"json_schema","name":"n","schema":{},"strict":"yes"}}} | text | `text.format.strict` must be a boolean
            """)
    void badInputIsA400NamingTheField(String name, String body, String param, String message) {
        ApiException e = assertThrows(ApiException.class, () -> parse(body));
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        assertEquals(param, e.param(), name);
        assertTrue(e.getMessage().contains(message), name + ": " + e.getMessage());
    }

    @Test
    void malformedJsonIsInvalidJson() {
        ApiException e = assertThrows(ApiException.class, () -> parse("{\"input\":"));
        assertEquals("invalid_json", e.code());
    }

    @Test
    void unsupportedTypesAreNamedWithTheUnsupportedValueCode() {
        ApiException e = assertThrows(ApiException.class,
                () -> parse("{\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"file_search\"}]}"));
        assertEquals("unsupported_value", e.code());
        assertEquals("tools[1] has unsupported type 'file_search'; only 'function' tools are supported.",
                e.getMessage());
    }

    @Test
    void rejectionsNeverEchoTheValueSent() {
        String secret = "sk-live-0123456789abcdef";
        for (String body : List.of("{\"input\":\"hi\",\"model\":{\"k\":\"" + secret + "\"}}",
                "{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":{\"" + secret + "\":1}}]}]}",
                "{\"input\":\"hi\",\"temperature\":\"" + secret + "\"}")) {
            ApiException e = assertThrows(ApiException.class, () -> parse(body));
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
    }

    @Test
    void countsAndLengthsAreBounded() {
        String items = IntStream.range(0, ResponsesRequestParser.MAX_INPUT_ITEMS + 1)
                .mapToObj(i -> "{\"role\":\"user\",\"content\":\"x\"}").collect(Collectors.joining(","));
        assertBounded("input", "{\"input\":[" + items + "]}");
        String parts = IntStream.range(0, InputItems.MAX_CONTENT_PARTS + 1)
                .mapToObj(i -> "{\"type\":\"input_text\",\"text\":\"x\"}").collect(Collectors.joining(","));
        assertBounded("input", "{\"input\":[{\"role\":\"user\",\"content\":[" + parts + "]}]}");
        String tools = IntStream.range(0, ResponsesRequestParser.MAX_TOOLS + 1)
                .mapToObj(i -> "{\"type\":\"function\",\"name\":\"f" + i + "\"}").collect(Collectors.joining(","));
        assertBounded("tools", "{\"input\":\"hi\",\"tools\":[" + tools + "]}");
        String pairs = IntStream.range(0, ResponsesRequestParser.MAX_METADATA_PAIRS + 1)
                .mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(","));
        assertBounded("metadata", "{\"input\":\"hi\",\"metadata\":{" + pairs + "}}");
        assertBounded("metadata", "{\"input\":\"hi\",\"metadata\":{\"k\":\"" + "v".repeat(513) + "\"}}");
        String longId = "x".repeat(ResponsesRequestParser.MAX_ID_CHARS + 1);
        assertBounded("model", "{\"input\":\"hi\",\"model\":\"" + longId + "\"}");
        assertBounded("previous_response_id", "{\"input\":\"hi\",\"previous_response_id\":\"" + longId + "\"}");
        assertBounded("input", "{\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"" + longId
                + "\",\"output\":\"x\"}]}");
        assertBounded("user", "{\"input\":\"hi\",\"user\":\"" + "u".repeat(ResponsesRequestParser.MAX_USER_CHARS + 1)
                + "\"}");
        // at the bounds themselves, all is well
        parse("{\"input\":\"hi\",\"model\":\"" + "x".repeat(ResponsesRequestParser.MAX_ID_CHARS) + "\"}");
    }

    private void assertBounded(String param, String body) {
        ApiException e = assertThrows(ApiException.class, () -> parse(body));
        assertEquals(param, e.param(), e.getMessage());
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
    }

    @Test
    void theParserCanBeGivenAJsonTreeToo() {
        ResponsesRequest r = parser.parse(Json.createObjectBuilder().add("input", "hi").build());
        assertEquals(JsonValue.ValueType.STRING, r.chat().messages().get(0).content().getValueType());
    }
}
