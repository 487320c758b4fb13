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
}
