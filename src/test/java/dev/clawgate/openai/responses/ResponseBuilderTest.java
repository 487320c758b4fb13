package dev.clawgate.openai.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import org.junit.jupiter.api.Test;

class ResponseBuilderTest {
    static ResponseBuilder builder(String body) {
        return new ResponseBuilder(ResponsesRequestParserTest.parse(body), 1700000000L,
                ResponseEventWriterTest.counting());
    }

    @Test
    void aTextReplyIsOneCompletedMessageWithUsageAndOutputTextByteForByte() {
        ResponseBuilder b = builder("{\"model\":\"openclaw:main\",\"input\":\"hi\"}");
        b.content("Hello");
        b.content(" world");
        b.finish("stop");
        b.usage(new Usage(5, 2, 7, jakarta.json.Json.createObjectBuilder().add("prompt_tokens_details",
                jakarta.json.Json.createObjectBuilder().add("cached_tokens", 3)).build()));
        assertEquals("resp_1", b.id());
        assertEquals("completed", b.status());
        assertEquals("{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,\"status\":\"completed\","
                + "\"background\":false,\"error\":null,\"incomplete_details\":null,\"instructions\":null,"
                + "\"max_output_tokens\":null,\"model\":\"openclaw:main\",\"output\":[{\"type\":\"message\",\"id\":\"msg_2\","
                + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\"Hello world\",\"annotations\":[]}]}],\"output_text\":\"Hello world\","
                + "\"parallel_tool_calls\":true,\"previous_response_id\":null,\"store\":true,\"temperature\":null,"
                + "\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[],\"top_p\":null,"
                + "\"truncation\":\"disabled\",\"usage\":{\"input_tokens\":5,\"input_tokens_details\":{\"cached_tokens\":3,\"cache_write_tokens\":0},"
                + "\"output_tokens\":2,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":7},"
                + "\"user\":null,\"metadata\":{}}", b.json());
    }

    @Test
    void theRequestSettingsAreEchoed() {
        ResponseBuilder b = builder("{\"input\":\"hi\",\"instructions\":\"Be brief.\",\"temperature\":0.2,\"top_p\":0.5,"
                + "\"max_output_tokens\":100,\"parallel_tool_calls\":false,\"previous_response_id\":\"resp_0\","
                + "\"store\":false,\"user\":\"alice\",\"metadata\":{\"k\":\"v\"},\"tool_choice\":{\"type\":\"function\","
                + "\"name\":\"f\"},\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"description\":\"d\","
                + "\"parameters\":{\"type\":\"object\"},\"strict\":true}]}");
        String json = b.json();
        assertTrue(json.contains("\"instructions\":\"Be brief.\",\"max_output_tokens\":100,\"model\":\"openclaw\","), json);
        assertTrue(json.contains("\"parallel_tool_calls\":false,\"previous_response_id\":\"resp_0\",\"store\":false,"
                + "\"temperature\":0.2,"), json);
        assertTrue(json.contains("\"tool_choice\":{\"type\":\"function\",\"name\":\"f\"},\"tools\":[{\"type\":\"function\","
                + "\"name\":\"f\",\"description\":\"d\",\"parameters\":{\"type\":\"object\"},\"strict\":true}],"
                + "\"top_p\":0.5,"), json);
        assertTrue(json.endsWith("\"user\":\"alice\",\"metadata\":{\"k\":\"v\"}}"), json);
    }

    @Test
    void toolCallFragmentsAreJoinedPerIndexAndACallWithoutAnIdGetsOne() {
        ResponseBuilder b = builder("{\"input\":\"hi\"}");
        ResponseBuilder.Item first = b.toolCall(new ToolCallDelta(0, "call_a", "function", "get_", "{\"a\""));
        b.toolCall(new ToolCallDelta(1, null, "function", "other", "{}"));
        assertSame(first, b.toolCall(new ToolCallDelta(0, null, null, "weather", ":1}")));
        b.finish("tool_calls");
        String json = b.json();
        assertTrue(json.contains("\"output\":[{\"type\":\"function_call\",\"id\":\"fc_2\",\"call_id\":\"call_a\","
                + "\"name\":\"get_weather\",\"arguments\":\"{\\\"a\\\":1}\",\"status\":\"completed\"},"
                + "{\"type\":\"function_call\",\"id\":\"fc_4\",\"call_id\":\"call_3\",\"name\":\"other\","
                + "\"arguments\":\"{}\",\"status\":\"completed\"}],\"output_text\":\"\","), json);
        assertEquals("completed", b.status(), "tool_calls is a completed response");
    }

    @Test
    void textAfterAToolCallIsANewMessageItem() {
        ResponseBuilder b = builder("{\"input\":\"hi\"}");
        b.content("a");
        b.toolCall(new ToolCallDelta(0, "call_a", "function", "f", "{}"));
        b.content("b");
        assertEquals(3, b.items().size());
        assertTrue(b.json().contains("\"output_text\":\"ab\""));
    }

    @Test
    void aLengthFinishIsIncompleteForMaxOutputTokensAndAContentFilterForContentFilter() {
        ResponseBuilder length = builder("{\"input\":\"hi\"}");
        length.content("Once");
        length.finish("length");
        assertEquals("incomplete", length.status());
        String json = length.json();
        assertTrue(json.contains("\"incomplete_details\":{\"reason\":\"max_output_tokens\"}"), json);
        assertTrue(json.contains("\"status\":\"incomplete\",\"role\":\"assistant\""), "the cut message is incomplete");
        assertTrue(json.contains("\"usage\":{\"input_tokens\":0,"), "usage is zeros when none was reported");

        ResponseBuilder filtered = builder("{\"input\":\"hi\"}");
        filtered.finish("content_filter");
        assertTrue(filtered.json().contains("\"incomplete_details\":{\"reason\":\"content_filter\"}"));
    }

    @Test
    void anErrorFailsTheResponseWithAnSdkKnownCodeAndNoUsage() {
        ResponseBuilder b = builder("{\"input\":\"hi\"}");
        b.finish("stop");
        b.error(new ApiException(504, "api_error", null, "upstream_timeout", "The upstream model server timed out."));
        assertEquals("failed", b.status());
        String json = b.json();
        assertTrue(json.contains("\"status\":\"failed\",\"background\":false,\"error\":{\"code\":\"server_error\","
                + "\"message\":\"The upstream model server timed out.\"},\"incomplete_details\":null,"), json);
        assertTrue(json.contains("\"usage\":null"), json);
    }

    @Test
    void theInProgressObjectHasNoOutputAndNoUsage() {
        ResponseBuilder b = builder("{\"input\":\"hi\"}");
        b.content("ignored until the end");
        String json = b.inProgressJson();
        assertTrue(json.contains("\"status\":\"in_progress\""));
        assertTrue(json.contains("\"output\":[],\"output_text\":\"\","));
        assertTrue(json.contains("\"usage\":null"));
    }
}
