package dev.clawgate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import dev.clawgate.agent.RunReport.Outcome;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import dev.clawgate.session.MemorySessionStore;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionStore;
import dev.clawgate.time.FakeScheduler;
import dev.clawgate.upstream.ChatProvider;
import dev.clawgate.upstream.DeltaSink;
import dev.clawgate.upstream.ProviderRegistry;
import dev.clawgate.upstream.UpstreamRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The run on a fake provider and a recording sink: what the client sees, what the session keeps, what is reported. */
class AgentRunTest {
    private static final AgentSpec AGENT = new AgentSpec("main", "fake", "m", null, 50);

    /** A provider that hands its sink to the test, which plays the upstream. */
    static final class FakeProvider implements ChatProvider {
        DeltaSink sink;
        UpstreamRequest request;
        int cancels;

        @Override
        public dev.clawgate.upstream.Cancellable stream(UpstreamRequest request, DeltaSink sink) {
            this.request = request;
            this.sink = sink;
            return () -> cancels++;
        }
    }

    /** Records every sink call as one line. */
    static class RecordingSink implements ReplySink {
        final List<String> calls = new ArrayList<>();
        final boolean whole;

        RecordingSink(boolean whole) {
            this.whole = whole;
        }

        @Override
        public boolean needsWholeReply() {
            return whole;
        }

        @Override
        public void open() {
            calls.add("open");
        }

        @Override
        public void delta(ChoiceDelta delta) {
            String choice = delta.index() == 0 ? "" : "[" + delta.index() + "] ";
            if (delta.reasoning() != null) {
                calls.add(choice + "reasoning " + delta.reasoning());
            }
            if (delta.content() != null) {
                calls.add(choice + "content " + delta.content());
            }
            delta.toolCalls().forEach(t -> calls.add(choice + "tool " + t.index()));
        }

        @Override
        public void finish(int choice, String reason) {
            calls.add((choice == 0 ? "" : "[" + choice + "] ") + "finish " + reason);
        }

        @Override
        public void complete(AssistantReply reply) {
            calls.add("complete " + reply.usage().totalTokens());
        }

        @Override
        public void error(ApiException error) {
            calls.add("error " + error.code());
        }

        @Override
        public void abandon() {
            calls.add("abandon");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    private final FakeScheduler time = new FakeScheduler();
    private final FakeProvider provider = new FakeProvider();
    private final SessionStore sessions = new MemorySessionStore(new FakeClock(), 100, 60_000);
    private final AgentRunner runner = new AgentRunner(new ProviderRegistry(Map.of("fake", provider)), sessions, time);
    private final List<RunReport> reports = new ArrayList<>();

    private AgentRun run(RecordingSink sink, SessionKey session, String text) {
        ChatRequest chat = new ChatRequest("openclaw", List.of(ChatMessage.text("user", text)), !sink.whole, false,
                null, null, Map.of());
        AgentRun run = runner.run(new RunRequest(chat, AGENT, session, "req_1", time.nanoTime()), sink, reports::add);
        run.start();
        return run;
    }

    private static SessionKey stateless() {
        return new SessionKey("s-1", SessionKey.Kind.STATELESS);
    }

    @Test
    void everyDeltaReachesTheSinkInOrderAndTheEndIsReportedWithUsageAndTimings() {
        RecordingSink sink = new RecordingSink(false);
        run(sink, stateless(), "hi");
        time.advance(5, TimeUnit.MILLISECONDS);
        provider.sink.onOpen();
        provider.sink.onContent("echo:");
        time.advance(5, TimeUnit.MILLISECONDS);
        provider.sink.onToolCall(new ToolCallDelta(0, "call_1", "function", "f", "{}"));
        provider.sink.onFinish("stop");
        provider.sink.onUsage(Usage.of(3, 4));
        provider.sink.onComplete();

        assertEquals(List.of("open", "content echo:", "tool 0", "finish stop", "complete 7", "close"), sink.calls);
        assertEquals(1, reports.size());
        RunReport r = reports.get(0);
        assertEquals(Outcome.OK, r.outcome());
        assertNull(r.error());
        assertEquals(7, r.usage().totalTokens());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(5), r.firstDeltaNanos() - r.request().startNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10), r.endNanos() - r.request().startNanos());
        assertEquals("m", provider.request.model());
    }

    @Test
    void aRunThatEndsWithoutAFinishReasonGetsStopAndAnOpenBeforeTheEnd() {
        RecordingSink sink = new RecordingSink(true);
        run(sink, stateless(), "hi");
        provider.sink.onComplete();
        assertEquals(List.of("open", "finish stop", "complete 0", "close"), sink.calls);
    }

    @Test
    void everyChoiceOfNGetsItsFinishAndChoicesBeyondNAreDropped() {
        RecordingSink sink = new RecordingSink(true);
        ChatRequest chat = new ChatRequest("openclaw", List.of(ChatMessage.text("user", "hi")), false, false, null,
                null, Map.of(), 2);
        runner.run(new RunRequest(chat, AGENT, stateless(), "req_2", time.nanoTime()), sink, reports::add).start();
        assertEquals(2, provider.request.choices());
        provider.sink.onOpen();
        provider.sink.onDelta(ChoiceDelta.content(1, "b"));
        provider.sink.onDelta(ChoiceDelta.content(2, "beyond n"));
        provider.sink.onDelta(ChoiceDelta.toolCall(0, new ToolCallDelta(0, "call_1", "function", "f", "{}")));
        provider.sink.onFinish(1, "length");
        provider.sink.onComplete();
        assertEquals(List.of("open", "[1] content b", "tool 0", "[1] finish length", "finish tool_calls",
                "complete 0", "close"), sink.calls);
    }

    @Test
    void aStatefulTurnIsStoredBeforeTheClientHearsTheEndAndTheNextTurnSeesIt() {
        SessionKey key = new SessionKey("user:alice", SessionKey.Kind.USER);
        List<ChatMessage> seenAtComplete = new ArrayList<>();
        RecordingSink first = new RecordingSink(true) {
            @Override
            public void complete(AssistantReply reply) {
                sessions.acquire("user:alice").thenAccept(lease -> {
                    seenAtComplete.addAll(lease.transcript());
                    lease.release();
                });
                super.complete(reply);
            }
        };
        run(first, key, "one");
        provider.sink.onContent("answer one");
        provider.sink.onComplete();
        assertEquals(List.of("user", "assistant"), seenAtComplete.stream().map(ChatMessage::role).toList());

        run(new RecordingSink(true), key, "two");
        List<String> upstream = provider.request.messages().stream().map(ChatMessage::text).toList();
        assertEquals(List.of("one", "answer one", "two"), upstream);
    }

    @Test
    void aCancelledRunCancelsTheProviderTellsTheClientNothingAndLeavesTheSessionAsItWas() {
        SessionKey key = new SessionKey("user:bob", SessionKey.Kind.USER);
        RecordingSink sink = new RecordingSink(true);
        AgentRun run = run(sink, key, "lost");
        provider.sink.onContent("partial");
        run.cancel();
        provider.sink.onComplete(); // too late: ignored

        assertEquals(List.of("content partial", "abandon"), sink.calls, "nothing after the cancel");
        assertEquals(1, provider.cancels);
        assertEquals(Outcome.CANCELLED, reports.get(0).outcome());
        run(new RecordingSink(true), key, "again");
        assertEquals(List.of("again"), provider.request.messages().stream().map(ChatMessage::text).toList());
    }

    @Test
    void aProviderErrorReachesTheClientAndIsReportedWithItsUpstreamKind() {
        RecordingSink sink = new RecordingSink(false);
        run(sink, stateless(), "hi");
        provider.sink.onOpen();
        provider.sink.onError(new ApiException(504, "api_error", null, "upstream_timeout", "silent"));

        assertEquals(List.of("open", "error upstream_timeout", "close"), sink.calls);
        RunReport r = reports.get(0);
        assertEquals(Outcome.ERROR, r.outcome());
        assertEquals("timeout", r.upstreamErrorKind());
        assertEquals(1, provider.cancels);
    }

    @Test
    void stoppingARunForItsDeadlineTellsTheClientAndReportsTimeoutOnce() {
        RecordingSink sink = new RecordingSink(false);
        AgentRun run = run(sink, stateless(), "hi");
        provider.sink.onOpen();
        ApiException deadline = new ApiException(504, "api_error", null, "timeout", "too slow");
        run.stop(deadline, Outcome.TIMEOUT);
        run.cancel();
        provider.sink.onError(new ApiException(502, "api_error", null, "upstream_dropped", "gone"));

        assertEquals(List.of("open", "error timeout", "close"), sink.calls);
        assertEquals(1, reports.size());
        assertEquals(Outcome.TIMEOUT, reports.get(0).outcome());
        assertNull(reports.get(0).upstreamErrorKind());
        assertTrue(run.ended());
    }
}
