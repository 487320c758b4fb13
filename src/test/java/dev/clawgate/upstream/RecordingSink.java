package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ResponseMeta;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DeltaSink} that records every call in order; {@link #end} completes with the terminal call. */
final class RecordingSink implements DeltaSink {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<ToolCallDelta> toolCalls = new CopyOnWriteArrayList<>();
    final List<ChoiceDelta> deltas = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> end = new CompletableFuture<>();
    volatile Usage usage;
    volatile ApiException error;

    @Override
    public void onOpen() {
        calls.add("open");
    }

    @Override
    public void onResponseMeta(ResponseMeta meta) {
        calls.add("meta:" + meta.systemFingerprint() + ":" + meta.serviceTier());
    }

    @Override
    public void onDelta(ChoiceDelta delta) {
        deltas.add(delta);
        String choice = delta.index() == 0 ? "" : "[" + delta.index() + "]";
        if (delta.reasoning() != null) {
            calls.add(choice + "reasoning:" + delta.reasoning());
        }
        if (delta.content() != null) {
            calls.add(choice + "content:" + delta.content());
        }
        for (ToolCallDelta call : delta.toolCalls()) {
            toolCalls.add(call);
            calls.add(choice + "tool:" + call.index());
        }
        delta.fields().keySet().forEach(k -> calls.add(choice + "field:" + k));
        if (delta.logprobs() != null) {
            calls.add(choice + "logprobs");
        }
    }

    @Override
    public void onFinish(int choice, String finishReason) {
        calls.add((choice == 0 ? "" : "[" + choice + "]") + "finish:" + finishReason);
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
