package dev.clawgate.agent;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ResponseMeta;
import dev.clawgate.openai.Usage;
import dev.clawgate.time.Scheduler;
import dev.clawgate.upstream.Cancellable;
import dev.clawgate.upstream.ChatProvider;
import dev.clawgate.upstream.DeltaSink;
import dev.clawgate.upstream.UpstreamErrors;
import dev.clawgate.upstream.UpstreamRequest;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The upstream calls of one run: the agent's model first, then each of {@code agents.<id>.fallbacks} in order, each
 * model retried up to its provider's {@code models.providers.<name>.maxRetries} [0] times before the next is tried.
 * A call may be given up for the next one only while it has sent nothing of its answer — before its first chunk
 * (content, reasoning, a tool call, a finish, usage or the end) — and only for a failure that another try may not
 * share: connection refused or reset ({@code connect}, {@code dropped}), a 5xx or an error event
 * ({@code status_5xx}), a 429 ({@code status_429}) or silence past {@code timeoutMs} ({@code timeout}). Another 4xx
 * is the request's fault and a malformed stream the server's: both reach the client at once, as does any failure
 * after the first chunk.
 *
 * <p>While another try remains, the upstream's success status is held back until its first chunk, so nothing
 * reaches the client (no 200, no role chunk) from a call that may still be given up; with nothing left to try it is
 * passed on at once, as without fallbacks. The next call starts on the gateway's {@link Scheduler}, never inline in
 * the failed call's callback: at once for a fallback; for a retry after the upstream's {@code Retry-After}, or
 * without one after 250 ms doubling per retry, at most {@code retryMaxWaitMs} [2000] — a {@code Retry-After}
 * longer than {@code retryMaxWaitMs} skips the retries of that model. No thread waits.
 *
 * <p>It sits between the providers and the {@link AgentRun}: each call pushes into its own {@link DeltaSink}, whose
 * callbacks are dropped once the call has been given up. Every fallback is logged once (models and failure kind,
 * nothing of the request) and listed in {@link #failures()} for the run's report ({@link RunReport#retried()}).
 */
final class Attempts implements Cancellable {
    private static final System.Logger LOG = System.getLogger(Attempts.class.getName());
    /** Upstream failure kinds ({@link UpstreamErrors#kind}) that another try may not share. */
    static final Set<String> RETRYABLE = Set.of("connect", "dropped", "status_5xx", "status_429", "timeout");
    static final long FIRST_BACKOFF_MS = 250;

    /**
     * One model to try.
     *
     * @param model          {@code <provider>/<model>}, as the response header and the logs name it
     * @param upstreamModel  the model name sent upstream
     * @param provider       the provider that serves it
     * @param maxRetries     {@code models.providers.<name>.maxRetries}
     * @param retryMaxWaitMs {@code models.providers.<name>.retryMaxWaitMs}, ms
     */
    record Target(String model, String upstreamModel, ChatProvider provider, int maxRetries, long retryMaxWaitMs) {
    }

    private final String agent;
    private final List<Target> chain;
    private final Scheduler scheduler;
    /** The calls given up, copied on change: read by the run under its own monitor, so never under this one. */
    private volatile List<RunReport.Retried> failures = List.of();
    /** {@code <provider>/<model>} of the current call; volatile for the same reason. */
    private volatile String answering;
    private DeltaSink run;
    private UpstreamRequest request;
    private int index;
    private int retries;
    private int attempt;
    private boolean committed;
    private boolean cancelled;
    private Cancellable current;
    private Scheduler.Task pending;

    /** @param chain at least one target, the agent's (or the request's) model first */
    Attempts(String agent, List<Target> chain, Scheduler scheduler) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no model to try");
        }
        this.agent = agent;
        this.chain = List.copyOf(chain);
        this.scheduler = scheduler;
        this.answering = this.chain.get(0).model();
    }

    /**
     * Starts the first call on the calling thread and returns the handle that cancels whichever call runs.
     *
     * @param request what to send; its model is replaced by each target's, its trace context goes with every call
     * @param run     where the answering call's output goes
     */
    Cancellable start(UpstreamRequest request, DeltaSink run) {
        synchronized (this) {
            this.request = request;
            this.run = run;
        }
        Cancellable handle = chain.get(0).provider().stream(requestFor(chain.get(0)), new Call(0));
        keep(handle, 0);
        return this;
    }

    /**
     * {@code <provider>/<model>} of the call that answers (or runs) now. Takes no lock: the run calls it holding its
     * own monitor, which the calls' callbacks take while holding this object's.
     */
    String answering() {
        return answering;
    }

    /** The calls given up so far, oldest first; takes no lock, as {@link #answering()}. */
    List<RunReport.Retried> failures() {
        return failures;
    }

    @Override
    public void cancel() {
        Cancellable call;
        Scheduler.Task wait;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            call = current;
            wait = pending;
        }
        if (wait != null) {
            wait.cancel();
        }
        if (call != null) {
            call.cancel();
        }
    }

    private UpstreamRequest requestFor(Target t) {
        return new UpstreamRequest(t.upstreamModel(), request.messages(), request.params(), request.maxTokens(),
                request.choices(), request.trace(), request.stream());
    }

    /** Keeps the handle of call {@code number}, unless a later call replaced it (it failed inside its start). */
    private void keep(Cancellable handle, int number) {
        boolean cancelNow;
        synchronized (this) {
            if (number == attempt) {
                current = handle;
            }
            cancelNow = cancelled;
        }
        if (cancelNow) {
            handle.cancel();
        }
    }

    /** Whether a failure before the first chunk would be followed by another call. */
    private boolean moreToTry() {
        return retries < chain.get(index).maxRetries() || index + 1 < chain.size();
    }

    /**
     * The current call failed before its first chunk: schedules the next one and returns true, or returns false
     * when the client must get {@code error}.
     */
    private boolean tryNext(ApiException error) {
        String kind = UpstreamErrors.kind(error);
        if (cancelled || kind == null || !RETRYABLE.contains(kind)) {
            return false;
        }
        Target failed = chain.get(index);
        long waitMs = retryWaitMs(failed, error);
        if (waitMs >= 0) {
            retries++;
            failed(new RunReport.Retried(failed.model(), kind, failed.model(), false));
            String retry = "retry " + retries + " of " + failed.maxRetries() + " in " + waitMs + " ms";
            LOG.log(Level.DEBUG, () -> "clawgate: agent " + agent + ": " + failed.model() + " failed before answering ("
                    + kind + "); " + retry);
        } else if (index + 1 < chain.size()) {
            index++;
            retries = 0;
            waitMs = 0;
            String next = chain.get(index).model();
            answering = next;
            failed(new RunReport.Retried(failed.model(), kind, next, true));
            LOG.log(Level.WARNING, "clawgate: agent " + agent + ": " + failed.model() + " failed before answering ("
                    + kind + "); falling back to " + next);
        } else {
            return false;
        }
        int number = ++attempt;
        current = null;
        try {
            pending = scheduler.schedule(() -> launch(number), waitMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException shutDown) {
            return false; // the gateway is stopping
        }
        return true;
    }

    private void failed(RunReport.Retried given) {
        failures = Stream.concat(failures.stream(), Stream.of(given)).toList();
    }

    /** The wait before retrying {@code t} after {@code error}, ms; -1 when it is not to be retried. */
    private long retryWaitMs(Target t, ApiException error) {
        if (retries >= t.maxRetries()) {
            return -1;
        }
        Long retryAfter = error.retryAfterSeconds();
        if (retryAfter != null) {
            long ms = TimeUnit.SECONDS.toMillis(retryAfter);
            return ms <= t.retryMaxWaitMs() ? ms : -1;
        }
        return Math.min(t.retryMaxWaitMs(), FIRST_BACKOFF_MS << Math.min(retries, 20));
    }

    /** Starts call {@code number} (on the scheduler's thread) unless the run was cancelled meanwhile. */
    private void launch(int number) {
        Target t;
        synchronized (this) {
            if (cancelled || number != attempt) {
                return;
            }
            pending = null;
            t = chain.get(index);
        }
        Cancellable handle;
        try {
            handle = t.provider().stream(requestFor(t), new Call(number));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "clawgate: agent " + agent + ": " + t.model() + " could not start: "
                    + e.getClass().getName());
            new Call(number).onError(ApiException.internal());
            return;
        }
        keep(handle, number);
    }

    /** The sink of call number {@code number}: relays to the run while that call is the current one. */
    private final class Call implements DeltaSink {
        private final int number;
        private boolean opened;

        Call(int number) {
            this.number = number;
        }

        /** Whether this call still speaks for the run; caller holds the monitor. */
        private boolean live() {
            return number == attempt && !cancelled;
        }

        /** This call's first chunk: from now on it is the answer, and a held-back open goes out. */
        private void commit() {
            if (!committed) {
                committed = true;
                if (opened) {
                    run.onOpen();
                }
            }
        }

        @Override
        public void onOpen() {
            synchronized (Attempts.this) {
                if (!live() || opened) {
                    return;
                }
                opened = true;
                if (!moreToTry()) {
                    commit();
                }
            }
        }

        @Override
        public void onResponseMeta(ResponseMeta meta) {
            synchronized (Attempts.this) {
                if (live()) {
                    run.onResponseMeta(meta);
                }
            }
        }

        @Override
        public void onDelta(ChoiceDelta delta) {
            synchronized (Attempts.this) {
                if (live()) {
                    commit();
                    run.onDelta(delta);
                }
            }
        }

        @Override
        public void onFinish(int choice, String finishReason) {
            synchronized (Attempts.this) {
                if (live()) {
                    commit();
                    run.onFinish(choice, finishReason);
                }
            }
        }

        @Override
        public void onUsage(Usage usage) {
            synchronized (Attempts.this) {
                if (live()) {
                    commit();
                    run.onUsage(usage);
                }
            }
        }

        @Override
        public void whenReady(Runnable resume) {
            run.whenReady(resume);
        }

        @Override
        public void cork() { run.cork(); }

        @Override
        public void uncork() { run.uncork(); }

        @Override
        public void onComplete() {
            synchronized (Attempts.this) {
                if (!live()) {
                    return;
                }
                commit();
            }
            run.onComplete();
        }

        @Override
        public void onError(ApiException error) {
            synchronized (Attempts.this) {
                if (!live() || !committed && tryNext(error)) {
                    return;
                }
            }
            run.onError(error);
        }
    }
}
