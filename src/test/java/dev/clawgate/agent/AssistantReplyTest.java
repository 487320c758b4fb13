package dev.clawgate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ToolCall;
import dev.clawgate.openai.ToolCallDelta;
import jakarta.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssistantReplyTest {
    @Test
    void aRunThatCalledToolsWithoutAFinishReasonEndsWithToolCallsEvenWhenNoTextIsKept() {
        AssistantReply stateless = new AssistantReply(false);
        stateless.toolCall(new ToolCallDelta(0, "call_1", "function", "lookup", "{}"));
        assertEquals("tool_calls", stateless.defaultFinishReason());
        assertEquals("stop", new AssistantReply(false).defaultFinishReason());
    }

    @Test
    void toolCallFragmentsAreJoinedPerIndexInIndexOrder() {
        AssistantReply reply = new AssistantReply(true);
        reply.toolCall(new ToolCallDelta(1, "call_b", "function", "second", "{\"x\""));
        reply.toolCall(new ToolCallDelta(0, "call_a", "function", "first", "{}"));
        reply.toolCall(new ToolCallDelta(1, null, null, null, ":1}"));
        ChatMessage message = reply.message();
        assertEquals(List.of(new ToolCall("call_a", "first", "{}"), new ToolCall("call_b", "second", "{\"x\":1}")),
                message.toolCalls());
        assertEquals(JsonValue.NULL, message.content(), "a message that only calls tools has null content");
    }

    @Test
    void theFinishReasonIsRecordedOnce() {
        AssistantReply reply = new AssistantReply(true);
        assertTrue(reply.finish("length"));
        assertFalse(reply.finish("stop"));
        assertEquals("length", reply.finishReason());
        reply.content("hi");
        assertTrue(reply.completionJson("chatcmpl-x", 1, "openclaw").contains(
                "\"content\":\"hi\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"length\""));
    }
}
