package dev.clawgate.openai.responses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ResponseEventWriterTest {
    /** Ids resp_1, msg_2, … in the order they are drawn. */
    static ResponseIds counting() {
        int[] n = {0};
        return prefix -> prefix + (++n[0]);
    }

    static ResponseEventWriter writer(String body) {
        return new ResponseEventWriter(new ResponseBuilder(ResponsesRequestParserTest.parse(body), 1700000000L,
                counting()));
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The event names of a stream, in order. */
    static List<String> events(String stream) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^event: (\\S+)$").matcher(stream);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void aTextReplyStreamsTheDocumentedEventSequenceByteForByte() {
        ResponseEventWriter w = writer("{\"model\":\"openclaw\",\"input\":\"hi\",\"stream\":true}");
        StringBuilder s = new StringBuilder();
        s.append(utf8(w.open())).append(utf8(w.content("Hello"))).append(utf8(w.content(" world")));
        w.finish("stop");
        w.usage(new Usage(5, 2, 7, jakarta.json.Json.createObjectBuilder().add("prompt_tokens_details",
                jakarta.json.Json.createObjectBuilder().add("cached_tokens", 1)).build()));
        s.append(utf8(w.complete()));
        assertEquals(TEXT_REPLY, s.toString());
    }

    @Test
    void aToolCallReplyStreamsEachCallAsAnItemWithArgumentDeltasByteForByte() {
        ResponseEventWriter w = writer("{\"model\":\"openclaw\",\"input\":\"hi\",\"stream\":true,\"tools\":"
                + "[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}]}");
        StringBuilder s = new StringBuilder(utf8(w.open()));
        s.append(utf8(w.toolCall(new ToolCallDelta(0, "call_a", "function", "get_weather", ""))));
        s.append(utf8(w.toolCall(new ToolCallDelta(0, null, null, null, "{\"city\":"))));
        s.append(utf8(w.toolCall(new ToolCallDelta(0, null, null, null, "\"Paris\"}"))));
        s.append(utf8(w.toolCall(new ToolCallDelta(1, "call_b", "function", "get_weather", "{\"city\":\"Rome\"}"))));
        w.finish("tool_calls");
        w.usage(Usage.of(9, 12));
        s.append(utf8(w.complete()));
        assertEquals(TOOL_CALL_REPLY, s.toString());
    }

    @Test
    void textThenAToolCallClosesTheMessageBeforeTheCallBegins() {
        ResponseEventWriter w = writer("{\"input\":\"hi\"}");
        String s = utf8(w.open()) + utf8(w.content("Let me check.")) + utf8(w.toolCall(new ToolCallDelta(0, "call_a",
                "function", "lookup", "{}"))) + utf8(w.complete());
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed"), events(s));
        assertTrue(s.contains("\"sequence_number\":12,\"response\":{"), "sequence numbers count every event");
        assertTrue(s.contains("\"output_index\":1,\"item\":{\"type\":\"function_call\",\"id\":\"fc_3\""));
    }

    @Test
    void aLengthFinishEndsWithResponseIncompleteAndAnIncompleteItem() {
        ResponseEventWriter w = writer("{\"input\":\"hi\",\"max_output_tokens\":2}");
        w.open();
        w.content("Once upon");
        w.finish("length");
        String end = utf8(w.complete());
        assertEquals(List.of("response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.incomplete"), events(end));
        assertTrue(end.contains("\"item\":{\"type\":\"message\",\"id\":\"msg_2\",\"status\":\"incomplete\""));
        assertTrue(end.contains("\"status\":\"incomplete\",\"background\":false,\"error\":null,"
                + "\"incomplete_details\":{\"reason\":\"max_output_tokens\"},"));
        assertTrue(end.contains("\"max_output_tokens\":2,"));
    }

    @Test
    void anErrorMidStreamClosesTheOpenItemAndEndsWithResponseFailed() {
        ResponseEventWriter w = writer("{\"input\":\"hi\"}");
        w.open();
        w.content("partial");
        String end = utf8(w.error(new ApiException(502, "api_error", null, "upstream_error",
                "The upstream model server failed.")));
        assertEquals(List.of("response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.failed"), events(end));
        assertTrue(end.contains("\"status\":\"failed\",\"background\":false,\"error\":{\"code\":\"server_error\","
                + "\"message\":\"The upstream model server failed.\"},\"incomplete_details\":null,"), end);
        assertTrue(end.contains("\"usage\":null"), "a failed response reports no usage");
        assertTrue(w.ended());
        assertArrayEquals(new byte[0], w.complete(), "nothing follows the terminal event");
        assertArrayEquals(new byte[0], w.content("late"));
    }

    @Test
    void anErrorBeforeOpenStillGivesAWellFormedStream() {
        ResponseEventWriter w = writer("{\"input\":\"hi\"}");
        String s = utf8(w.error(new ApiException(429, "rate_limit_error", null, "rate_limit_exceeded", "Slow down.")));
        assertEquals(List.of("response.created", "response.in_progress", "response.failed"), events(s));
        assertTrue(s.contains("\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"Slow down.\"}"));
    }

    @Test
    void emptyTextAndEmptyArgumentFragmentsWriteNothing() {
        ResponseEventWriter w = writer("{\"input\":\"hi\"}");
        w.open();
        assertArrayEquals(new byte[0], w.content(""));
        assertArrayEquals(new byte[0], w.open(), "open happens once");
        String added = utf8(w.toolCall(new ToolCallDelta(0, "call_a", "function", "f", null)));
        assertEquals(List.of("response.output_item.added"), events(added));
        assertArrayEquals(new byte[0], w.toolCall(new ToolCallDelta(0, null, null, null, "")));
    }

    @Test
    void aLateFragmentOfAnEarlierCallIsNotStreamedButIsInTheFinalObject() {
        ResponseEventWriter w = writer("{\"input\":\"hi\"}");
        w.open();
        w.toolCall(new ToolCallDelta(0, "call_a", "function", "a", "{\"x\""));
        w.toolCall(new ToolCallDelta(1, "call_b", "function", "b", "{}"));
        assertArrayEquals(new byte[0], w.toolCall(new ToolCallDelta(0, null, null, null, ":1}")));
        String end = utf8(w.complete());
        assertTrue(end.contains("\"call_id\":\"call_a\",\"name\":\"a\",\"arguments\":\"{\\\"x\\\":1}\""), end);
    }

    @Test
    void deltasArriveWithoutOpenStillOpenTheStreamFirst() {
        ResponseEventWriter w = writer("{\"input\":\"hi\"}");
        String s = utf8(w.content("Hi"));
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta"), events(s));
        assertFalse(w.ended());
    }

    static final String TEXT_REPLY = """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"in_progress","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"openclaw","output":[],"output_text":"","parallel_tool_calls":true,"previous_response_id":null,"store":true,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":null,"truncation":"disabled","usage":null,"user":null,"metadata":{}}}

            event: response.in_progress
            data: {"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"in_progress","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"openclaw","output":[],"output_text":"","parallel_tool_calls":true,"previous_response_id":null,"store":true,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":null,"truncation":"disabled","usage":null,"user":null,"metadata":{}}}

            event: response.output_item.added
            data: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"type":"message","id":"msg_2","status":"in_progress","role":"assistant","content":[]}}

            event: response.content_part.added
            data: {"type":"response.content_part.added","sequence_number":3,"item_id":"msg_2","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_2","output_index":0,"content_index":0,"delta":"Hello","logprobs":[]}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_2","output_index":0,"content_index":0,"delta":" world","logprobs":[]}

            event: response.output_text.done
            data: {"type":"response.output_text.done","sequence_number":6,"item_id":"msg_2","output_index":0,"content_index":0,"text":"Hello world","logprobs":[]}

            event: response.content_part.done
            data: {"type":"response.content_part.done","sequence_number":7,"item_id":"msg_2","output_index":0,"content_index":0,"part":{"type":"output_text","text":"Hello world","annotations":[]}}

            event: response.output_item.done
            data: {"type":"response.output_item.done","sequence_number":8,"output_index":0,"item":{"type":"message","id":"msg_2","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello world","annotations":[]}]}}

            event: response.completed
            data: {"type":"response.completed","sequence_number":9,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"completed","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"openclaw","output":[{"type":"message","id":"msg_2","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello world","annotations":[]}]}],"output_text":"Hello world","parallel_tool_calls":true,"previous_response_id":null,"store":true,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":null,"truncation":"disabled","usage":{"input_tokens":5,"input_tokens_details":{"cached_tokens":1,"cache_write_tokens":0},"output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":7},"user":null,"metadata":{}}}

            """;

    static final String TOOL_CALL_REPLY = """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"in_progress","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"openclaw","output":[],"output_text":"","parallel_tool_calls":true,"previous_response_id":null,"store":true,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[{"type":"function","name":"get_weather","description":null,"parameters":{"type":"object"},"strict":null}],"top_p":null,"truncation":"disabled","usage":null,"user":null,"metadata":{}}}

            event: response.in_progress
            data: {"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"in_progress","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"openclaw","output":[],"output_text":"","parallel_tool_calls":true,"previous_response_id":null,"store":true,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[{"type":"function","name":"get_weather","description":null,"parameters":{"type":"object"},"strict":null}],"top_p":null,"truncation":"disabled","usage":null,"user":null,"metadata":{}}}

            event: response.output_item.added
            data: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"type":"function_call","id":"fc_2","call_id":"call_a","name":"get_weather","arguments":"","status":"in_progress"}}

            event: response.function_call_arguments.delta
            data: {"type":"response.function_call_arguments.delta","sequence_number":3,"item_id":"fc_2","output_index":0,"delta":"{\\"city\\":"}

            event: response.function_call_arguments.delta
            data: {"type":"response.function_call_arguments.delta","sequence_number":4,"item_id":"fc_2","output_index":0,"delta":"\\"Paris\\"}"}

            event: response.function_call_arguments.done
            data: {"type":"response.function_call_arguments.done","sequence_number":5,"item_id":"fc_2","output_index":0,"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}

            event: response.output_item.done
            data: {"type":"response.output_item.done","sequence_number":6,"output_index":0,"item":{"type":"function_call","id":"fc_2","call_id":"call_a","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}","status":"completed"}}

            event: response.output_item.added
            data: {"type":"response.output_item.added","sequence_number":7,"output_index":1,"item":{"type":"function_call","id":"fc_3","call_id":"call_b","name":"get_weather","arguments":"","status":"in_progress"}}

            event: response.function_call_arguments.delta
            data: {"type":"response.function_call_arguments.delta","sequence_number":8,"item_id":"fc_3","output_index":1,"delta":"{\\"city\\":\\"Rome\\"}"}

            event: response.function_call_arguments.done
            data: {"type":"response.function_call_arguments.done","sequence_number":9,"item_id":"fc_3","output_index":1,"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}

            event: response.output_item.done
            data: {"type":"response.output_item.done","sequence_number":10,"output_index":1,"item":{"type":"function_call","id":"fc_3","call_id":"call_b","name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}","status":"completed"}}

            event: response.completed
            data: {"type":"response.completed","sequence_number":11,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"completed","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"openclaw","output":[{"type":"function_call","id":"fc_2","call_id":"call_a","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}","status":"completed"},{"type":"function_call","id":"fc_3","call_id":"call_b","name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}","status":"completed"}],"output_text":"","parallel_tool_calls":true,"previous_response_id":null,"store":true,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[{"type":"function","name":"get_weather","description":null,"parameters":{"type":"object"},"strict":null}],"top_p":null,"truncation":"disabled","usage":{"input_tokens":9,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"output_tokens":12,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":21},"user":null,"metadata":{}}}

            """;
}
