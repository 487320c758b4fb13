package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DeltaSink} that records every call in order; {@link #end} completes with the terminal call. */
final class RecordingSink implements DeltaSink {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<ToolCallDelta> toolCalls = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> end = new CompletableFuture<>();
    volatile Usage usage;
    volatile ApiException error;

    @Override
    public void onOpen() {
        calls.add("open");
    }

    @Override
    public void onContent(String text) {
        calls.add("content:" + text);
    }

    @Override
    public void onReasoning(String text) {
        calls.add("reasoning:" + text);
    }

    @Override
    public void onToolCall(ToolCallDelta delta) {
        toolCalls.add(delta);
        calls.add("tool:" + delta.index());
    }

    @Override
    public void onFinish(String finishReason) {
        calls.add("finish:" + finishReason);
    }

    @Override
    public void onUsage(Usage u) {
        usage = u;
        calls.add("usage");
    }

    @Override
    public void onComplete() {
        calls.add("complete");
        end.complete("complete");
    }

    @Override
    public void onError(ApiException e) {
        error = e;
        calls.add("error:" + e.status() + ":" + e.code());
        end.complete("error");
    }
}
