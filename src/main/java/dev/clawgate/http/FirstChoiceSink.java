package dev.clawgate.http;

import dev.clawgate.agent.ReplySink;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ToolCallDelta;

/**
 * A front end whose API has one output per reply (the Responses API): it takes choice 0's text, tool-call fragments
 * and finish reason, and ignores other choices and other delta fields (a request here never asks for more than one
 * choice). Reasoning is not relayed: the Responses front end shows no reasoning items.
 */
interface FirstChoiceSink extends ReplySink {
    @Override
    default void delta(ChoiceDelta delta) {
        if (delta.index() != 0) {
            return;
        }
        if (delta.content() != null) {
            content(delta.content());
        }
        delta.toolCalls().forEach(this::toolCall);
    }

    @Override
    default void finish(int choice, String reason) {
        if (choice == 0) {
            finish(reason);
        }
    }

    @Override
    void content(String text);

    @Override
    void toolCall(ToolCallDelta call);

    @Override
    void finish(String reason);
}
