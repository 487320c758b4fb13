package dev.clawgate.upstream;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.Usage;
import dev.clawgate.time.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built-in {@code echo} model: answers {@code echo: <last user text>}, streamed word by word (each word after
 * the first keeps its leading space, so the deltas concatenate to the whole answer). A word counts as one token, in
 * the prompt and in the answer. A {@code max_tokens} cap cuts the answer with finish reason {@code length}. Asked
 * for {@code n} choices it answers each the same, word k of every choice before word k + 1 of any, and counts the
 * words of all of them as completion tokens.
 *
 * <p>It also answers {@code /v1/embeddings} with deterministic small vectors ({@link EchoEmbeddings}).
 *
 * <p>With {@code models.providers.echo.wordDelayMs} above 0 [default 0] the words are paced on the shared
 * scheduler, so a slow stream holds no thread: this is how load tests hold thousands of open streams. Word k
 * (from 0) is due {@code (k + 1) * wordDelayMs} after the start, so a stream of n words lasts n delays even when
 * the timer runs late.
 *
 * <p>It honours backpressure like a real upstream: after each word it asks {@link DeltaSink#whenReady} and goes on
 * only once the client has taken what was sent, so a long answer (100,000 words) streams as the client reads it and
 * is never held whole in the response's queue.
 */
public final class EchoProvider implements ChatProvider {
    private final Scheduler scheduler;
    private final long wordDelayMs;

    /**
     * @param scheduler   shared timer and time source, used only when {@code wordDelayMs > 0}
     * @param wordDelayMs pause before each word, milliseconds
     */
    public EchoProvider(Scheduler scheduler, long wordDelayMs) {
        this.scheduler = scheduler;
        this.wordDelayMs = wordDelayMs;
    }

    @Override
    public Cancellable stream(UpstreamRequest request, DeltaSink sink) {
        List<String> words = words("echo: " + lastUserText(request.messages()));
        long prompt = 0;
        for (ChatMessage m : request.messages()) {
            prompt += countWords(m.text());
        }
        boolean cut = request.maxTokens() != null && request.maxTokens() < words.size();
        if (cut) {
            words = words.subList(0, request.maxTokens().intValue());
        }
        int choices = request.choices();
        Run run = new Run(sink, words, choices, cut ? "length" : "stop", Usage.of(prompt, (long) words.size() * choices));
        sink.onOpen();
        if (wordDelayMs <= 0) {
            run.emitAll();
        } else {
            run.scheduleNext();
        }
        return run;
    }

    /** Deterministic small vectors ({@link EchoEmbeddings}), answered at once. */
    @Override
    public Cancellable embed(EmbeddingRequest request, EmbeddingSink sink) {
        sink.onEmbeddings(EchoEmbeddings.answer(request));
        return () -> {
        };
    }

    private final class Run implements Cancellable {
        private final DeltaSink sink;
        private final List<String> words;
        private final int choices;
        private final String finishReason;
        private final Usage usage;
        private final long startNanos = scheduler.nanoTime();
        private final long delayNanos = TimeUnit.MILLISECONDS.toNanos(wordDelayMs);
        private int next;
        private volatile boolean cancelled;
        private volatile Scheduler.Task pending;

        Run(DeltaSink sink, List<String> words, int choices, String finishReason, Usage usage) {
            this.sink = sink;
            this.words = words;
            this.choices = choices;
            this.finishReason = finishReason;
            this.usage = usage;
        }

        /** Emits words while the sink can take them; when it cannot, returns and goes on from its resume. */
        void emitAll() {
            while (!cancelled && next < words.size()) {
                word(words.get(next++));
                Resume resume = new Resume();
                sink.whenReady(resume);
                if (!resume.ranAtOnce()) {
                    return;
                }
            }
            finish();
        }

        /** The continuation given to {@link DeltaSink#whenReady}: inline means "go on", later means "emit again". */
        private final class Resume implements Runnable {
            private boolean asking = true;
            private boolean inline;

            @Override
            public void run() {
                synchronized (this) {
                    if (asking) {
                        inline = true;
                        return;
                    }
                }
                emitAll();
            }

            /** Whether the sink was ready at once; from now on a late {@link #run()} resumes the emission. */
            synchronized boolean ranAtOnce() {
                asking = false;
                return inline;
            }
        }

        void scheduleNext() {
            if (cancelled) {
                return;
            }
            // word k is due k delays after the start, so a late timer tick does not push back every later word
            long dueNanos = startNanos + (next + 1) * delayNanos;
            pending = scheduler.schedule(this::step, Math.max(0, dueNanos - scheduler.nanoTime()), TimeUnit.NANOSECONDS);
        }

        private void step() {
            if (cancelled) {
                return;
            }
            if (next < words.size()) {
                word(words.get(next++));
                sink.whenReady(this::scheduleNext);
            } else {
                finish();
            }
        }

        /** One word, to every choice. */
        private void word(String w) {
            for (int c = 0; c < choices && !cancelled; c++) {
                sink.onDelta(ChoiceDelta.content(c, w));
            }
        }

        private void finish() {
            if (!cancelled) {
                for (int c = 0; c < choices; c++) {
                    sink.onFinish(c, finishReason);
                }
                sink.onUsage(usage);
                sink.onComplete();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            Scheduler.Task p = pending;
            if (p != null) {
                p.cancel();
            }
        }
    }

    static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("user")) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 1; i < n; i++) {
            if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < n) {
            out.add(text.substring(start));
        }
        return out;
    }

    private static long countWords(String text) {
        long count = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                count++;
            }
            inWord = !space;
        }
        return count;
    }
}
