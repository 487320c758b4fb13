package dev.clawgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import org.junit.jupiter.api.Test;

class AuthLockoutTest {
    final FakeClock clock = new FakeClock();
    final AuthLockout lockout = new AuthLockout(clock, 3, 60_000, 300_000, 100);

    @Test
    void theFailureThatReachesMaxAttemptsLocksTheClientOut() {
        assertFalse(lockout.recordFailure("1.2.3.4"));
        clock.advanceMs(10_000);
        assertFalse(lockout.recordFailure("1.2.3.4"));
        assertEquals(0, lockout.lockedForMs("1.2.3.4"), "two failures lock nothing");
        clock.advanceMs(40_000);
        assertTrue(lockout.recordFailure("1.2.3.4"));
        assertEquals(300_000, lockout.lockedForMs("1.2.3.4"));
        clock.advanceMs(1);
        assertEquals(299_999, lockout.lockedForMs("1.2.3.4"));
    }

    @Test
    void failuresOutsideTheSlidingWindowDoNotCount() {
        lockout.recordFailure("1.2.3.4");
        clock.advanceMs(30_000);
        lockout.recordFailure("1.2.3.4");
        clock.advanceMs(40_000); // the first failure is now 70 s old
        assertFalse(lockout.recordFailure("1.2.3.4"));
        assertEquals(0, lockout.lockedForMs("1.2.3.4"));
        clock.advanceMs(10_000);
        assertTrue(lockout.recordFailure("1.2.3.4"), "30 s, 70 s and 80 s are within one minute");
    }

    @Test
    void aLockoutExpiresAfterLockoutMsAndCountingStartsAfresh() {
        for (int i = 0; i < 3; i++) {
            lockout.recordFailure("1.2.3.4");
        }
        clock.advanceMs(299_999);
        assertEquals(1, lockout.lockedForMs("1.2.3.4"));
        clock.advanceMs(1);
        assertEquals(0, lockout.lockedForMs("1.2.3.4"));
        assertFalse(lockout.recordFailure("1.2.3.4"));
        assertFalse(lockout.recordFailure("1.2.3.4"));
        assertTrue(lockout.recordFailure("1.2.3.4"));
    }

    @Test
    void aFailureAfterALockoutEndedCountsAsTheFirstOfANewWindow() {
        for (int i = 0; i < 3; i++) {
            lockout.recordFailure("1.2.3.4");
        }
        clock.advanceMs(300_000);
        assertFalse(lockout.recordFailure("1.2.3.4"), "the old lockout is over and forgotten");
        assertEquals(0, lockout.lockedForMs("1.2.3.4"));
    }

    @Test
    void successResetsTheFailures() {
        lockout.recordFailure("1.2.3.4");
        lockout.recordFailure("1.2.3.4");
        lockout.recordSuccess("1.2.3.4");
        assertFalse(lockout.recordFailure("1.2.3.4"));
        assertFalse(lockout.recordFailure("1.2.3.4"));
        assertEquals(0, lockout.lockedForMs("1.2.3.4"));
    }

    @Test
    void clientsAreCountedSeparately() {
        lockout.recordFailure("1.2.3.4");
        lockout.recordFailure("1.2.3.4");
        lockout.recordFailure("5.6.7.8");
        assertTrue(lockout.recordFailure("1.2.3.4"));
        assertEquals(0, lockout.lockedForMs("5.6.7.8"));
    }

    @Test
    void expiredEntriesArePrunedWhenTheTableIsFull() {
        AuthLockout small = new AuthLockout(clock, 3, 60_000, 300_000, 3);
        small.recordFailure("10.0.0.1");
        small.recordFailure("10.0.0.2");
        for (int i = 0; i < 3; i++) {
            small.recordFailure("10.0.0.3"); // locked for 5 minutes
        }
        clock.advanceMs(60_000); // the first two have left the window; the lockout runs on
        small.recordFailure("10.0.0.4");
        assertEquals(2, small.trackedClients(), "two stale entries pruned, the lockout kept");
        assertTrue(small.lockedForMs("10.0.0.3") > 0);
    }

    @Test
    void aTableFullOfLiveEntriesEvictsTheOneWhoseLastFailureIsOldestAndStaysBounded() {
        AuthLockout small = new AuthLockout(clock, 3, 60_000, 300_000, 3);
        small.recordFailure("10.0.0.1");
        clock.advanceMs(1);
        small.recordFailure("10.0.0.2");
        clock.advanceMs(1);
        small.recordFailure("10.0.0.3");
        clock.advanceMs(1);
        small.recordFailure("10.0.0.1"); // now the most recent
        small.recordFailure("10.0.0.4"); // table full of live entries: 10.0.0.2 goes
        assertEquals(3, small.trackedClients());
        assertTrue(small.recordFailure("10.0.0.1"), "10.0.0.1 kept its two earlier failures");
        small.recordFailure("10.0.0.2");
        assertFalse(small.recordFailure("10.0.0.2"), "10.0.0.2 was evicted, so this is its second failure");
        for (int i = 0; i < 10_000; i++) {
            small.recordFailure("172.16." + (i / 256) + "." + (i % 256));
        }
        assertEquals(3, small.trackedClients());
    }

    @Test
    void aLockedEntrySurvivesAFloodOfNewAddresses() {
        AuthLockout small = new AuthLockout(clock, 3, 60_000, 300_000, 3);
        for (int i = 0; i < 3; i++) {
            small.recordFailure("10.0.0.1");
        }
        clock.advanceMs(1);
        for (int i = 0; i < 10_000; i++) {
            small.recordFailure("172.16." + (i / 256) + "." + (i % 256));
            clock.advanceMs(1);
        }
        assertTrue(small.lockedForMs("10.0.0.1") > 0, "the lockout was not forgiven");
        assertEquals(3, small.trackedClients());
    }

    @Test
    void whenEveryTrackedEntryIsLockedANewAddressIsTreatedAsLocked() {
        AuthLockout small = new AuthLockout(clock, 2, 60_000, 300_000, 2);
        for (String a : new String[] {"10.0.0.1", "10.0.0.2"}) {
            small.recordFailure(a);
            small.recordFailure(a);
        }
        clock.advanceMs(1_000);
        Lockout.Verdict wrong = small.attempt("10.0.0.3", false);
        assertEquals(299_000, wrong.lockedForMs(), "refused until the first lockout ends and frees a slot");
        assertEquals(299_000, small.attempt("10.0.0.3", true).lockedForMs(),
                "the right secret is refused too, so 429-or-200 cannot be used as an oracle");
        assertTrue(small.lockedForMs("10.0.0.1") > 0);
        assertTrue(small.lockedForMs("10.0.0.2") > 0);
        clock.advanceMs(299_000);
        assertFalse(small.attempt("10.0.0.3", false).refused(), "a slot is free again");
    }

    @Test
    void aLockedAddressIsRefusedInTheSameStepThatWouldCountItsFailure() {
        for (int i = 0; i < 2; i++) {
            assertEquals(new Lockout.Verdict(0, false), lockout.attempt("1.2.3.4", false));
        }
        assertEquals(new Lockout.Verdict(0, true), lockout.attempt("1.2.3.4", false));
        assertEquals(300_000, lockout.attempt("1.2.3.4", false).lockedForMs());
        assertEquals(300_000, lockout.attempt("1.2.3.4", true).lockedForMs(), "even the right secret");
    }

    @Test
    void parallelAttemptsNeverGetMoreThanMaxAttemptsAnswers() throws Exception {
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<Lockout.Verdict>> all = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 200; i++) {
                all.add(pool.submit(() -> {
                    go.await();
                    return lockout.attempt("1.2.3.4", false);
                }));
            }
            go.countDown();
            int answered = 0;
            for (var f : all) {
                answered += f.get().refused() ? 0 : 1;
            }
            assertEquals(3, answered);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ipv6AddressesInOneSlash64ShareALockout() {
        lockout.recordFailure("2001:db8:0:1::1");
        lockout.recordFailure("2001:db8:0:1:ffff:ffff:ffff:ffff");
        assertTrue(lockout.recordFailure("2001:db8::1:0:0:0:42"));
        assertTrue(lockout.lockedForMs("2001:db8:0:1:1234::") > 0);
        assertEquals(0, lockout.lockedForMs("2001:db8:0:2::1"));
        assertEquals(0, lockout.lockedForMs("1.2.3.4"));
    }

    @Test
    void theIpv6PrefixLengthIsConfigurable() {
        AuthLockout wide = new AuthLockout(clock, 2, 60_000, 300_000, 100, 32);
        wide.recordFailure("2001:db8:1::1");
        assertTrue(wide.recordFailure("2001:db8:ffff::1"));
        assertTrue(wide.lockedForMs("2001:db8:abcd:1::1") > 0);
        AuthLockout exact = new AuthLockout(clock, 2, 60_000, 300_000, 100, 128);
        exact.recordFailure("2001:db8::1");
        assertFalse(exact.recordFailure("2001:db8::2"));
    }
}
