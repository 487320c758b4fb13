package dev.clawgate.auth;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The failed-auth lockout, with OpenClaw's semantics (SPEC §3): per client ({@link LockoutKey}: an IPv4 address, or
 * the {@code ipv6Prefix}-bit network of an IPv6 one), {@code maxAttempts} wrong secrets within a sliding window of
 * {@code windowMs} lock that client out for {@code lockoutMs}. The attempt that reaches {@code maxAttempts} still gets
 * its 401; every later attempt is refused (429) even with the right secret. Success resets the client. A missing
 * credential is not an attempt: the caller only asks {@link #lockedForMs}. Loopback exemption is the caller's choice.
 *
 * <p>Example with maxAttempts 3, windowMs 60000, lockoutMs 300000: wrong secrets at t=0 s, 10 s and 50 s give three
 * 401s and lock the address until t=350 s; any request before then is refused with 429 and {@code Retry-After}.
 * Wrong secrets at t=0 s, 30 s and 70 s lock nothing: at 70 s the first one has left the window.
 *
 * <p>Atomic: {@link #attempt} checks the lockout and records the attempt under one lock, so 50 wrong secrets sent
 * at once get exactly {@code maxAttempts} 401s and 429s for the rest.
 *
 * <p>Memory is bounded: at most {@code maxTrackedClients} clients are tracked, locked ones in one table (in the order
 * they were locked, so the head's lockout ends first) and counting ones in another (the head's last failure is the
 * oldest). When a new client fails and the tables are full: ended lockouts and counting clients whose failures all
 * left the window are dropped from the heads; if still full, the counting client whose last failure is oldest is
 * evicted (it loses its partial count); a locked client is never
 * evicted, so a lockout is never forgiven early. When every tracked client is locked, a new client's attempt is
 * <em>treated as locked</em>: refused with 429 and a {@code Retry-After} of the time until the first lockout ends
 * and frees a slot — whatever its secret, because refusing only the wrong ones would let 429-or-200 answer guesses
 * without limit. Such a flood (from more distinct networks than {@code maxTrackedClients}) can thus keep new clients
 * out for up to {@code lockoutMs}, but it never earns anyone an extra guess; size the table above the flood you
 * expect. All of it is O(1) per call. Time comes from the injected {@link Clock}; the class starts no thread.
 */
public final class AuthLockout implements Lockout {
    private final Clock clock;
    private final int maxAttempts;
    private final long windowMs;
    private final long lockoutMs;
    private final int maxTrackedClients;
    private final int ipv6Prefix;
    /** Clients with failures and no lockout, re-inserted on every failure: the head's last failure is oldest. */
    private final Map<String, ArrayDeque<Long>> counting = new LinkedHashMap<>();
    /** Locked clients and when their lockout ends (ms), in locking order: the head ends first. */
    private final Map<String, Long> locked = new LinkedHashMap<>();

    /**
     * @param clock             time source
     * @param maxAttempts       wrong secrets that lock a client out, at least 1 [10]
     * @param windowMs          sliding window they must fall in, ms [60000]
     * @param lockoutMs         lockout length, ms [300000]
     * @param maxTrackedClients most clients tracked at once [10000]
     * @param ipv6Prefix        bits of an IPv6 address that name one client, 1..128 [64]
     */
    public AuthLockout(Clock clock, int maxAttempts, long windowMs, long lockoutMs, int maxTrackedClients,
                       int ipv6Prefix) {
        if (maxAttempts < 1 || windowMs < 1 || lockoutMs < 1 || maxTrackedClients < 1 || ipv6Prefix < 1
                || ipv6Prefix > 128) {
            throw new IllegalArgumentException("lockout settings must be positive (ipv6Prefix 1..128)");
        }
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.windowMs = windowMs;
        this.lockoutMs = lockoutMs;
        this.maxTrackedClients = maxTrackedClients;
        this.ipv6Prefix = ipv6Prefix;
    }

    /** With IPv6 clients keyed by /64. */
    public AuthLockout(Clock clock, int maxAttempts, long windowMs, long lockoutMs, int maxTrackedClients) {
        this(clock, maxAttempts, windowMs, lockoutMs, maxTrackedClients, LockoutKey.DEFAULT_IPV6_PREFIX);
    }

    @Override
    public synchronized long lockedForMs(String client) {
        return lockedForMs(LockoutKey.of(client, ipv6Prefix), clock.millis());
    }

    @Override
    public synchronized Verdict attempt(String client, boolean rightSecret) {
        long now = clock.millis();
        String key = LockoutKey.of(client, ipv6Prefix);
        long left = lockedForMs(key, now);
        if (left > 0) {
            return new Verdict(left, false);
        }
        ArrayDeque<Long> failures = counting.remove(key);
        if (failures == null) {
            long full = makeRoom(now);
            if (full > 0) {
                return new Verdict(full, false);
            }
            if (rightSecret) {
                return Verdict.ANSWER;
            }
            failures = new ArrayDeque<>(Math.min(maxAttempts, 16));
        } else if (rightSecret) {
            return Verdict.ANSWER;
        }
        while (!failures.isEmpty() && failures.peekFirst() <= now - windowMs) {
            failures.removeFirst();
        }
        failures.addLast(now);
        if (failures.size() >= maxAttempts) {
            locked.put(key, now + lockoutMs);
            return new Verdict(0, true);
        }
        counting.put(key, failures);
        return Verdict.ANSWER;
    }

    /** How many clients are tracked now (for tests and metrics). */
    public synchronized int trackedClients() {
        return counting.size() + locked.size();
    }

    private long lockedForMs(String key, long now) {
        Long until = locked.get(key);
        if (until == null) {
            return 0;
        }
        if (until > now) {
            return until - now;
        }
        locked.remove(key);
        return 0;
    }

    /**
     * Makes room for one new client: 0 when there is room (ended lockouts dropped, else the oldest counting client
     * evicted, and any whose failures all left the window), else how long until the first lockout ends (every tracked client is locked).
     */
    private long makeRoom(long now) {
        if (counting.size() + locked.size() < maxTrackedClients) {
            return 0;
        }
        Iterator<Long> lockouts = locked.values().iterator();
        while (lockouts.hasNext()) {
            long until = lockouts.next();
            if (until > now) {
                break;
            }
            lockouts.remove();
        }
        Iterator<ArrayDeque<Long>> oldest = counting.values().iterator();
        while (oldest.hasNext()) {
            ArrayDeque<Long> head = oldest.next();
            boolean stale = head.peekLast() <= now - windowMs;
            if (!stale && counting.size() + locked.size() < maxTrackedClients) {
                break;
            }
            oldest.remove();
            if (!stale) {
                break;
            }
        }
        if (counting.size() + locked.size() < maxTrackedClients) {
            return 0;
        }
        return Math.max(1, locked.values().iterator().next() - now);
    }
}
