package dev.clawgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.clawgate.openai.ChatMessage;
import dev.clawgate.time.FakeScheduler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The built-in echo honours backpressure: a client that is behind pauses it, as it would a real upstream. */
class EchoProviderTest {
    /** A sink whose client takes {@code capacity} words, then is behind until {@link #drain()}. */
    static final class SlowClient {
        final RecordingSink sink = new RecordingSink();
        final DeltaSink paced;
        int capacity;
        int taken;
        Runnable waiting;

        SlowClient(int initialCapacity) {
            this.capacity = initialCapacity;
            this.paced = new DeltaSink() {
                @Override
                public void onOpen() {
                    sink.onOpen();
                }

                @Override
                public void onDelta(dev.clawgate.openai.ChoiceDelta delta) {
                    if (delta.content() != null) {
                        taken++;
                    }
                    sink.onDelta(delta);
                }

                @Override
                public void onFinish(int choice, String reason) {
                    sink.onFinish(choice, reason);
                }

                @Override
                public void onUsage(dev.clawgate.openai.Usage usage) {
                    sink.onUsage(usage);
                }

                @Override
                public void whenReady(Runnable resume) {
                    if (taken < capacity) {
                        resume.run();
                    } else {
                        waiting = resume;
                    }
                }

                @Override
                public void onComplete() {
                    sink.onComplete();
                }

                @Override
                public void onError(dev.clawgate.openai.ApiException error) {
                    sink.onError(error);
                }
            };
        }

        /** The client read what it had: room for {@code more} words, and the waiting producer resumes. */
        void drain(int more) {
            capacity += more;
            Runnable r = waiting;
            waiting = null;
            r.run();
        }

        long words() {
            return sink.calls.stream().filter(c -> c.startsWith("content:")).count();
        }
    }

    static UpstreamRequest ask(String text) {
        return new UpstreamRequest("echo", List.of(ChatMessage.text("user", text)), Map.of(), null);
    }

    @Test
    void anUnpacedEchoStopsEmittingWhileTheClientIsBehindAndGoesOnWhenItCatchesUp() {
        SlowClient client = new SlowClient(3);
        new EchoProvider(new FakeScheduler(), 0).stream(ask("a b c d e f g"), client.paced);
        assertEquals(3, client.words(), "only what the client could take was emitted");
        assertNull(client.sink.end.getNow(null), "the echo is paused, not finished");
        client.drain(2);
        assertEquals(5, client.words());
        client.drain(100);
        assertEquals(8, client.words(), "echo: plus seven words");
        assertEquals("complete", client.sink.end.getNow(null));
        assertEquals(List.of("finish:stop", "usage", "complete"),
                client.sink.calls.subList(client.sink.calls.size() - 3, client.sink.calls.size()));
    }

    @Test
    void aPacedEchoSchedulesNoNextWordWhileTheClientIsBehind() {
        FakeScheduler time = new FakeScheduler();
        SlowClient client = new SlowClient(2);
        new EchoProvider(time, 10).stream(ask("a b c"), client.paced);
        time.advance(1, TimeUnit.SECONDS);
        assertEquals(2, client.words());
        assertEquals(0, time.pending(), "nothing is scheduled while the client is behind");
        client.drain(10);
        time.advance(1, TimeUnit.SECONDS);
        assertEquals(4, client.words());
        assertEquals("complete", client.sink.end.getNow(null));
    }

    @Test
    void aCancelledEchoStaysPausedWhenTheClientCatchesUp() {
        SlowClient client = new SlowClient(1);
        Cancellable run = new EchoProvider(new FakeScheduler(), 0).stream(ask("a b c"), client.paced);
        run.cancel();
        client.drain(10);
        assertEquals(1, client.words());
        assertNull(client.sink.end.getNow(null));
    }
}
