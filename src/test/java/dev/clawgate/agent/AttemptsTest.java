package dev.clawgate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import dev.clawgate.agent.AgentRunTest.FakeProvider;
import dev.clawgate.agent.AgentRunTest.RecordingSink;
import dev.clawgate.agent.RunReport.Outcome;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.config.GatewayConfig.ModelRef;
import dev.clawgate.config.GatewayConfig.ProviderSpec;
import dev.clawgate.config.GatewayConfig.Reasoning;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.session.MemorySessionStore;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionStore;
import dev.clawgate.time.FakeScheduler;
import dev.clawgate.upstream.ProviderRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Retries and fallbacks of a run ({@link Attempts}) on fake providers and the fake scheduler: which failures move on
 * to the next model, when the client hears the first byte, how long a retry waits, and what the run reports.
 */
class AttemptsTest {
    private final FakeScheduler time = new FakeScheduler();
    private final FakeProvider primary = new FakeProvider();
    private final FakeProvider backup = new FakeProvider();
    private final SessionStore sessions = new MemorySessionStore(new FakeClock(), 100, 60_000);
    private final List<RunReport> reports = new ArrayList<>();

    /** Also records which model was named before the open, and reasoning. */
    static final class NamingSink extends RecordingSink {
        NamingSink(boolean whole) {
            super(whole);
        }

        @Override
        public void answeredBy(String providerModel) {
            calls.add("answered " + providerModel);
        }
    }

    private AgentRunner runner(int primaryRetries, long retryMaxWaitMs) {
        return new AgentRunner(new ProviderRegistry(Map.of("a", primary, "b", backup),
                Map.of("a", new ProviderSpec("a", null, null, "openai-completions", 1000, 0, primaryRetries,
                        retryMaxWaitMs, List.of()))), sessions, time);
    }

    private static AgentSpec agent(List<ModelRef> fallbacks, Reasoning reasoning) {
        return new AgentSpec("main", "a", "m1", null, 50, fallbacks, List.of(), reasoning, null);
    }

    private static final AgentSpec WITH_BACKUP = agent(List.of(new ModelRef("b", "m2")), Reasoning.PASS);
    private static final AgentSpec ALONE = agent(List.of(), Reasoning.PASS);

    private AgentRun run(AgentRunner runner, AgentSpec agent, RecordingSink sink, SessionKey session, String text) {
        ChatRequest chat = new ChatRequest("openclaw", List.of(ChatMessage.text("user", text)), !sink.whole, false,
                null, null, Map.of());
        AgentRun run = runner.run(new RunRequest(chat, agent, session, "req_1", time.nanoTime()), sink, reports::add);
        run.start();
        return run;
    }

    private AgentRun run(AgentRunner runner, AgentSpec agent, RecordingSink sink) {
        return run(runner, agent, sink, new SessionKey("s", SessionKey.Kind.STATELESS), "hi");
    }

    private static ApiException failure(int status, String code, Long retryAfter) {
        return new ApiException(status, "api_error", null, code, "failed", retryAfter);
    }

    private void answer(FakeProvider provider, String text) {
        provider.sink.onOpen();
        provider.sink.onContent(text);
        provider.sink.onFinish("stop");
        provider.sink.onComplete();
    }

    @Test
    void aRefusedConnectionFallsBackToTheNextModelAndTheClientHearsOnlyTheAnswer() {
        NamingSink sink = new NamingSink(false);
        run(runner(0, 2000), WITH_BACKUP, sink);
        primary.sink.onError(failure(502, "upstream_unavailable", null));
        assertNull(backup.sink, "the fallback starts on the scheduler, not inside the failed call");
        time.advance(0, TimeUnit.MILLISECONDS);

        assertEquals("m2", backup.request.model());
        answer(backup, "from b");
        assertEquals(List.of("answered b/m2", "open", "content from b", "finish stop", "complete 0", "close"),
                sink.calls);
        RunReport r = reports.get(0);
        assertEquals(Outcome.OK, r.outcome());
        assertEquals(List.of(new RunReport.Retried("a/m1", "connect", "b/m2", true)), r.retried());
    }

    @Test
    void aServerErrorAfterTheUpstreamsHeadersButBeforeItsFirstChunkStillFallsBack() {
        NamingSink sink = new NamingSink(true);
        run(runner(0, 2000), WITH_BACKUP, sink);
        primary.sink.onOpen();
        assertEquals(List.of(), sink.calls, "the 200 is held back while a fallback remains");
        primary.sink.onError(failure(502, "upstream_error", null));
        time.advance(0, TimeUnit.MILLISECONDS);
        answer(backup, "ok");

        assertEquals("answered b/m2", sink.calls.get(0));
        assertEquals(List.of(new RunReport.Retried("a/m1", "status_5xx", "b/m2", true)), reports.get(0).retried());
    }

    @Test
    void silenceBeforeTheFirstChunkFallsBack() {
        NamingSink sink = new NamingSink(false);
        run(runner(0, 2000), WITH_BACKUP, sink);
        primary.sink.onOpen();
        primary.sink.onError(failure(504, "upstream_timeout", null));
        time.advance(0, TimeUnit.MILLISECONDS);
        answer(backup, "late but there");
        assertEquals("content late but there", sink.calls.get(2));
    }

    @Test
    void a429IsRetriedOnTheSameModelExactlyWhenItsRetryAfterSaysAndNoSooner() {
        NamingSink sink = new NamingSink(false);
        run(runner(1, 2000), ALONE, sink);
        primary.sink.onError(failure(429, "upstream_rate_limited", 1L));
        primary.sink = null;

        time.advance(999, TimeUnit.MILLISECONDS);
        assertNull(primary.sink, "no retry before Retry-After");
        time.advance(1, TimeUnit.MILLISECONDS);
        assertEquals("m1", primary.request.model());
        answer(primary, "second try");

        assertEquals(List.of("answered a/m1", "open", "content second try", "finish stop", "complete 0", "close"),
                sink.calls);
        assertEquals(List.of(new RunReport.Retried("a/m1", "status_429", "a/m1", false)), reports.get(0).retried());
    }

    @Test
    void withoutRetryAfterTheRetryWaitsTheBackoffCappedByRetryMaxWait() {
        run(runner(2, 300), ALONE, new NamingSink(false));
        primary.sink.onError(failure(502, "upstream_error", null));
        primary.sink = null;
        time.advance(249, TimeUnit.MILLISECONDS);
        assertNull(primary.sink);
        time.advance(1, TimeUnit.MILLISECONDS);
        primary.sink.onError(failure(502, "upstream_error", null));
        primary.sink = null;
        time.advance(299, TimeUnit.MILLISECONDS);
        assertNull(primary.sink, "the second wait is 500 ms capped to retryMaxWaitMs = 300");
        time.advance(1, TimeUnit.MILLISECONDS);
        assertTrue(primary.sink != null);
    }

    @Test
    void aRetryAfterLongerThanRetryMaxWaitSkipsTheRetryAndFallsBackAtOnce() {
        NamingSink sink = new NamingSink(false);
        run(runner(3, 2000), WITH_BACKUP, sink);
        primary.sink.onError(failure(429, "upstream_rate_limited", 5L));
        time.advance(0, TimeUnit.MILLISECONDS);
        answer(backup, "b");
        assertEquals(List.of(new RunReport.Retried("a/m1", "status_429", "b/m2", true)), reports.get(0).retried());
    }

    @Test
    void aClientErrorOfTheUpstreamIsNeverRetriedNorFallenBackFrom() {
        NamingSink sink = new NamingSink(false);
        run(runner(3, 2000), WITH_BACKUP, sink);
        primary.sink.onError(new ApiException(400, "invalid_request_error", null, "upstream_rejected", "bad"));
        time.advance(10, TimeUnit.SECONDS);

        assertNull(backup.sink);
        assertEquals(List.of("error upstream_rejected", "close"), sink.calls);
        assertEquals(List.of(), reports.get(0).retried());
        assertEquals("status_4xx", reports.get(0).upstreamErrorKind());
    }

    @Test
    void aFailureAfterTheFirstChunkReachesTheClientAsAnErrorWithoutFallback() {
        NamingSink sink = new NamingSink(false);
        run(runner(3, 2000), WITH_BACKUP, sink);
        primary.sink.onOpen();
        primary.sink.onContent("half");
        primary.sink.onError(failure(502, "upstream_dropped", null));
        time.advance(10, TimeUnit.SECONDS);

        assertNull(backup.sink);
        assertEquals(List.of("answered a/m1", "open", "content half", "error upstream_dropped", "close"), sink.calls);
    }

    @Test
    void withNothingLeftToTryTheUpstreamsSuccessGoesOutAtOnce() {
        NamingSink sink = new NamingSink(false);
        run(runner(0, 2000), ALONE, sink);
        primary.sink.onOpen();
        assertEquals(List.of("answered a/m1", "open"), sink.calls);
    }

    @Test
    void whenEveryModelFailsTheClientGetsTheLastFailure() {
        NamingSink sink = new NamingSink(false);
        run(runner(0, 2000), WITH_BACKUP, sink);
        primary.sink.onError(failure(502, "upstream_unavailable", null));
        time.advance(0, TimeUnit.MILLISECONDS);
        backup.sink.onError(failure(502, "upstream_error", null));

        assertEquals(List.of("error upstream_error", "close"), sink.calls);
        assertEquals("status_5xx", reports.get(0).upstreamErrorKind());
        assertEquals(1, reports.get(0).retried().size());
    }

    @Test
    void aClientThatLeavesDuringTheRetryWaitStopsTheRetry() {
        AgentRun run = run(runner(1, 2000), ALONE, new NamingSink(false));
        primary.sink.onError(failure(429, "upstream_rate_limited", 1L));
        primary.sink = null;
        run.cancel();
        time.advance(5, TimeUnit.SECONDS);
        assertNull(primary.sink);
        assertEquals(0, time.pending());
    }

    @Test
    void aLateCallbackOfAGivenUpCallIsIgnored() {
        NamingSink sink = new NamingSink(false);
        run(runner(0, 2000), WITH_BACKUP, sink);
        var first = primary.sink;
        first.onError(failure(502, "upstream_unavailable", null));
        time.advance(0, TimeUnit.MILLISECONDS);
        first.onContent("ghost");
        answer(backup, "real");
        assertTrue(sink.calls.contains("content real"));
        assertTrue(sink.calls.stream().noneMatch(c -> c.contains("ghost")));
    }

    @Test
    void reasoningReachesTheClientAndTheReplyButNeverTheStoredTurn() {
        SessionKey key = new SessionKey("user:r", SessionKey.Kind.USER);
        NamingSink sink = new NamingSink(true);
        run(runner(0, 2000), ALONE, sink, key, "think");
        primary.sink.onOpen();
        primary.sink.onReasoning("hmm, ");
        primary.sink.onReasoning("let me see");
        primary.sink.onContent("42");
        primary.sink.onComplete();
        assertTrue(sink.calls.containsAll(List.of("reasoning hmm, ", "reasoning let me see", "content 42")));

        run(runner(0, 2000), ALONE, new NamingSink(true), key, "next");
        assertEquals(List.of("think", "42", "next"), primary.request.messages().stream().map(ChatMessage::text)
                .toList());
        assertTrue(primary.request.messages().stream().noneMatch(m -> m.toString().contains("let me see")));
    }

    @Test
    void anAgentThatDropsReasoningRelaysOnlyTheAnswer() {
        NamingSink sink = new NamingSink(false);
        run(runner(0, 2000), agent(List.of(), Reasoning.DROP), sink);
        primary.sink.onOpen();
        primary.sink.onReasoning("secret thoughts");
        primary.sink.onContent("answer");
        assertEquals(List.of("answered a/m1", "open", "content answer"), sink.calls);
    }
}
