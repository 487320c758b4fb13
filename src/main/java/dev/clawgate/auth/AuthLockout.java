package dev.clawgate.auth;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The failed-auth lockout, with OpenClaw's semantics (SPEC §3): per client address, {@code maxAttempts} wrong secrets
 * within a sliding window of {@code windowMs} lock that address out for {@code lockoutMs}. The attempt that reaches
 * {@code maxAttempts} still gets its 401; the caller asks {@link #lockedForMs} before comparing the secret, so a
 * locked address is refused even with the right one. Success resets the address. A missing credential is not an
 * attempt: the caller simply does not report it. Loopback exemption is the caller's choice.
 *
 * <p>Example with maxAttempts 3, windowMs 60000, lockoutMs 300000: wrong secrets at t=0 s, 10 s and 50 s give three
 * 401s and lock the address until t=350 s; any request before then is refused with 429 and {@code Retry-After}.
 * Wrong secrets at t=0 s, 30 s and 70 s lock nothing: at 70 s the first one has left the window.
 *
 * <p>Memory is bounded: at most {@code maxTrackedClients} addresses are tracked. When a new address arrives and the
 * table is full, entries that no longer matter (no failure inside the window, no lockout running) are pruned — a full
 * sweep at most once per second, so a flood of new addresses costs O(1) each. If the table is still full of live
 * entries, the entry whose last failure is oldest is evicted: under a flood of more distinct addresses than the
 * table holds, the quietest address may be forgiven early. This keeps the heap bounded without locking out everyone
 * (the alternative, a global lock, would let an attacker deny service to every client). Time comes from the injected
 * {@link Clock}; the class starts no thread. Thread-safe (one lock, held for O(1) work except the sweep).
 */
public final class AuthLockout implements Lockout {
    private static final long SWEEP_INTERVAL_MS = 1000;

    private final Clock clock;
    private final int maxAttempts;
    private final long windowMs;
    private final long lockoutMs;
    private final int maxTrackedClients;
    /** Insertion-ordered and re-inserted on every failure: the head is the entry whose last failure is oldest. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long lastSweepMs = Long.MIN_VALUE / 2;

    /**
     * @param clock             time source
     * @param maxAttempts       wrong secrets that lock an address out, at least 1 [10]
     * @param windowMs          sliding window they must fall in, ms [60000]
     * @param lockoutMs         lockout length, ms [300000]
     * @param maxTrackedClients most addresses tracked at once [10000]
     */
    public AuthLockout(Clock clock, int maxAttempts, long windowMs, long lockoutMs, int maxTrackedClients) {
        if (maxAttempts < 1 || windowMs < 1 || lockoutMs < 1 || maxTrackedClients < 1) {
            throw new IllegalArgumentException("lockout settings must be positive");
        }
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.windowMs = windowMs;
        this.lockoutMs = lockoutMs;
        this.maxTrackedClients = maxTrackedClients;
    }

    @Override
    public synchronized long lockedForMs(String client) {
        Entry e = entries.get(client);
        if (e == null || e.lockedUntilMs == 0) {
            return 0;
        }
        long left = e.lockedUntilMs - clock.millis();
        if (left > 0) {
            return left;
        }
        entries.remove(client);
        return 0;
    }

    @Override
    public synchronized boolean recordFailure(String client) {
        long now = clock.millis();
        Entry e = entries.remove(client);
        if (e == null) {
            makeRoom(now);
            e = new Entry();
        } else if (e.lockedUntilMs != 0 && e.lockedUntilMs <= now) {
            e = new Entry();
        }
        entries.put(client, e);
        if (e.lockedUntilMs != 0) {
            return false;
        }
        e.dropBefore(now - windowMs);
        e.failures.addLast(now);
        if (e.failures.size() >= maxAttempts) {
            e.failures.clear();
            e.lockedUntilMs = now + lockoutMs;
            return true;
        }
        return false;
    }

    @Override
    public synchronized void recordSuccess(String client) {
        entries.remove(client);
    }

    /** How many addresses are tracked now (for tests and metrics). */
    public synchronized int trackedClients() {
        return entries.size();
    }

    private void makeRoom(long now) {
        if (entries.size() < maxTrackedClients) {
            return;
        }
        if (now - lastSweepMs >= SWEEP_INTERVAL_MS) {
            lastSweepMs = now;
            entries.values().removeIf(e -> e.expired(now, windowMs));
        }
        Iterator<Entry> oldest = entries.values().iterator();
        while (entries.size() >= maxTrackedClients && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    /** One address: its recent failure times (ms, oldest first) and the end of its lockout (0: none). */
    private static final class Entry {
        final ArrayDeque<Long> failures = new ArrayDeque<>();
        long lockedUntilMs;

        void dropBefore(long cutoffMs) {
            while (!failures.isEmpty() && failures.peekFirst() <= cutoffMs) {
                failures.removeFirst();
            }
        }

        boolean expired(long now, long windowMs) {
            if (lockedUntilMs != 0) {
                return lockedUntilMs <= now;
            }
            return failures.isEmpty() || failures.peekLast() <= now - windowMs;
        }
    }
}
