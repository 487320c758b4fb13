package dev.clawgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clawgate.FakeClock;
import dev.clawgate.caller.Caller;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Token quotas in memory on a fake wall clock: fixed minute and day windows, overshoot, the tightest window. */
class MemoryTokenQuotasTest {
    static Caller caller(String name, long perMinute, long perDay) {
        return new Caller(Caller.Kind.KEY, name, name, null, 0, perMinute, perDay);
    }

    @Test
    void aRequestIsAdmittedWhileTokensRemainAndOneTurnMayOvershoot() {
        FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:10Z"));
        MemoryTokenQuotas quotas = new MemoryTokenQuotas(clock);
        Caller c = caller("a", 1000, 0);
        QuotaDecision fresh = quotas.check(c);
        assertEquals(QuotaDecision.Kind.ALLOWED, fresh.kind());
        assertEquals(1000, fresh.remaining());
        assertEquals(50_000_000_000L, fresh.resetNanos());
        quotas.tokensUsed(c, 999);
        assertEquals(QuotaDecision.Kind.ALLOWED, quotas.check(c).kind());
        quotas.tokensUsed(c, 201);
        clock.advance(Duration.ofSeconds(20));
        QuotaDecision spent = quotas.check(c);
        assertEquals(QuotaDecision.Kind.REFUSED, spent.kind());
        assertEquals(0, spent.remaining());
        assertEquals(30, spent.retryAfterSeconds());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(QuotaDecision.Kind.ALLOWED, quotas.check(c).kind());
        assertEquals(1000, quotas.check(c).remaining());
    }

    @Test
    void theHeadersDescribeTheTightestWindowAndASpentDayOutlastsTheMinute() {
        FakeClock clock = new FakeClock(Instant.parse("2026-03-01T23:58:00Z"));
        MemoryTokenQuotas quotas = new MemoryTokenQuotas(clock);
        Caller c = caller("a", 100, 150);
        quotas.tokensUsed(c, 80);
        QuotaDecision d = quotas.check(c);
        assertEquals(100, d.limit());
        assertEquals(20, d.remaining());
        quotas.tokensUsed(c, 80);
        QuotaDecision both = quotas.check(c);
        assertEquals(QuotaDecision.Kind.REFUSED, both.kind());
        assertEquals(150, both.limit(), "the spent window that resets last");
        assertEquals("day", both.window());
        clock.advance(Duration.ofMinutes(2)); // a new UTC day: both windows start over
        assertEquals(QuotaDecision.Kind.ALLOWED, quotas.check(c).kind());
        assertEquals(100, quotas.check(c).remaining());
    }

    @Test
    void callersAreCountedApartAndCallersWithoutAQuotaAreNotCounted() {
        FakeClock clock = new FakeClock();
        MemoryTokenQuotas quotas = new MemoryTokenQuotas(clock);
        quotas.tokensUsed(caller("a", 10, 0), 50);
        assertEquals(QuotaDecision.Kind.ALLOWED, quotas.check(caller("b", 10, 0)).kind());
        assertEquals(QuotaDecision.Kind.REFUSED, quotas.check(caller("a", 10, 0)).kind());
        quotas.tokensUsed(Caller.OPERATOR, 1_000_000);
        assertEquals(QuotaDecision.Kind.ALLOWED, quotas.check(new Caller(Caller.Kind.OPERATOR, "operator", "operator",
                null, 0, 10, 0)).kind());
    }
}
