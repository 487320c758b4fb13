package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clawgate.time.FakeScheduler;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The hang-up watch of a non-streaming exchange, on a fake clock and a scripted probe. */
class DisconnectWatchTest {
    final FakeScheduler time = new FakeScheduler();
    final ArrayDeque<ConnectionProbe.Status> script = new ArrayDeque<>();
    final AtomicInteger probes = new AtomicInteger();
    final AtomicInteger gone = new AtomicInteger();
    final Map<String, String> headers = new HashMap<>();
    final ConnectionProbe probe = () -> {
        probes.incrementAndGet();
        return script.isEmpty() ? ConnectionProbe.Status.OPEN : script.poll();
    };
    final HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                if (m.getName().equals("setHeader")) {
                    headers.put((String) a[0], (String) a[1]);
                }
                return null;
            });

    DisconnectWatch watch(long checkMs) {
        return new DisconnectWatch(probe, time, checkMs, response, gone::incrementAndGet);
    }

    @Test
    void theConnectionIsProbedEveryPeriodUntilTheClientIsGoneThenTheExchangeIsToldOnce() {
        DisconnectWatch w = watch(1000);
        w.start();
        time.advance(3500, TimeUnit.MILLISECONDS);
        assertEquals(3, probes.get());
        assertEquals(0, gone.get());
        script.add(ConnectionProbe.Status.CLOSED);
        time.advance(10, TimeUnit.SECONDS);
        assertEquals(4, probes.get(), "no probe after the hang-up was seen");
        assertEquals(1, gone.get());
    }

    @Test
    void noProbeRunsOnceTheAnswerHasStarted() {
        DisconnectWatch w = watch(1000);
        w.start();
        time.advance(1, TimeUnit.SECONDS);
        w.stop();
        w.start();
        time.advance(1, TimeUnit.MINUTES);
        assertEquals(1, probes.get());
        assertEquals(0, time.pending());
    }

    @Test
    void bytesTakenFromTheConnectionStopProbingAndCloseItAfterTheAnswer() {
        script.add(ConnectionProbe.Status.SPOILED);
        DisconnectWatch w = watch(1000);
        w.start();
        time.advance(1, TimeUnit.MINUTES);
        assertEquals(1, probes.get());
        assertEquals(0, gone.get());
        assertEquals("close", headers.get("Connection"));
    }

    @Test
    void zeroOrAnUnsupportedContainerNeverProbes() {
        watch(0).start();
        new DisconnectWatch(ConnectionProbe.NONE, time, 1000, response, gone::incrementAndGet).start();
        assertEquals(0, time.pending());
    }
}
