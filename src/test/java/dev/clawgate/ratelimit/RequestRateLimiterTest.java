package dev.clawgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bucket4j.TimeMeter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestRateLimiterTest {
    /** A Bucket4j time source that stands still until the test moves it. */
    static final class FakeTime implements TimeMeter {
        volatile long nanos = TimeUnit.DAYS.toNanos(1);

        void advanceMs(long ms) {
            nanos += TimeUnit.MILLISECONDS.toNanos(ms);
        }

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }

    final FakeTime time = new FakeTime();

    @Test
    void aNewClientMaySpendItsWholeBurstAtOnceThenIsRefused() {
        RequestRateLimiter limiter = new RequestRateLimiter(time, 60, 10, 100);
        RateDecision first = limiter.tryAcquire("1.2.3.4");
        assertTrue(first.allowed());
        assertEquals(10, first.limit());
        assertEquals(9, first.remaining());
        assertEquals("1s", OpenAiDuration.format(first.resetNanos()), "one token short, one token a second");
        for (int i = 0; i < 9; i++) {
            assertTrue(limiter.tryAcquire("1.2.3.4").allowed());
        }
        RateDecision refused = limiter.tryAcquire("1.2.3.4");
        assertFalse(refused.allowed());
        assertEquals(0, refused.remaining());
        assertEquals(1, refused.retryAfterSeconds());
        assertEquals("10s", OpenAiDuration.format(refused.resetNanos()));
    }

    @Test
    void tokensComeBackAtRequestsPerMinute() {
        RequestRateLimiter limiter = new RequestRateLimiter(time, 60, 10, 100);
        for (int i = 0; i < 10; i++) {
            limiter.tryAcquire("1.2.3.4");
        }
        time.advanceMs(999);
        assertFalse(limiter.tryAcquire("1.2.3.4").allowed());
        time.advanceMs(1);
        assertTrue(limiter.tryAcquire("1.2.3.4").allowed());
        time.advanceMs(5_000);
        assertEquals(4, limiter.tryAcquire("1.2.3.4").remaining(), "five tokens back, one spent");
        time.advanceMs(60_000);
        assertEquals(9, limiter.tryAcquire("1.2.3.4").remaining(), "never more than the burst");
    }

    @Test
    void retryAfterIsRoundedUpToWholeSeconds() {
        RequestRateLimiter limiter = new RequestRateLimiter(time, 1, 1, 100);
        assertTrue(limiter.tryAcquire("a").allowed());
        time.advanceMs(500);
        RateDecision refused = limiter.tryAcquire("a");
        assertFalse(refused.allowed());
        assertEquals(60, refused.retryAfterSeconds(), "59.5 s to the next token");
        assertEquals("59.5s", OpenAiDuration.format(refused.resetNanos()));
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        RequestRateLimiter limiter = new RequestRateLimiter(time, 60, 1, 100);
        assertTrue(limiter.tryAcquire("a").allowed());
        assertFalse(limiter.tryAcquire("a").allowed());
        assertTrue(limiter.tryAcquire("b").allowed());
    }

    @Test
    void theTableOfBucketsIsBoundedAndDropsTheLeastRecentlyUsed() {
        RequestRateLimiter limiter = new RequestRateLimiter(time, 60, 1, 2);
        limiter.tryAcquire("a");
        limiter.tryAcquire("b");
        limiter.tryAcquire("a"); // a is now the most recently used
        limiter.tryAcquire("c"); // b goes
        assertEquals(2, limiter.trackedClients());
        assertFalse(limiter.tryAcquire("a").allowed(), "a kept its empty bucket");
        assertTrue(limiter.tryAcquire("b").allowed(), "b starts over with a full bucket");
        for (int i = 0; i < 10_000; i++) {
            limiter.tryAcquire("10.0." + (i / 256) + "." + (i % 256));
        }
        assertEquals(2, limiter.trackedClients());
    }
}
