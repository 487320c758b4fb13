package dev.clawgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.caller.Caller;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A caller's two quota keys, charged by one script, share a hash slot in a Redis Cluster whatever its name holds. */
class RedisTokenQuotasKeysTest {
    @ParameterizedTest
    @ValueSource(strings = {"alice", "team-7", "a}b", "{x}", "}", "{", "alice@example.com", "ünï"})
    void theMinuteAndDayKeysOfACallerShareOneSlot(String name) {
        for (Caller caller : new Caller[] {new Caller(Caller.Kind.KEY, name, name, null, 0, 10, 100),
                new Caller(Caller.Kind.USER, name, name, null, 0, 10, 100), Caller.OPERATOR}) {
            long now = 1_796_000_000_000L;
            String minute = RedisTokenQuotas.minuteKey(caller, now);
            String day = RedisTokenQuotas.dayKey(caller, now);
            assertTrue(minute.startsWith("{clawgate:quota:" + caller.id() + "}:m:"), minute);
            assertTrue(day.startsWith("{clawgate:quota:" + caller.id() + "}:d:"), day);
            assertEquals(SlotHash.getSlot(minute), SlotHash.getSlot(day), minute + " / " + day);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "bob", "carol"})
    void theTagIsTheCallersOwnPrefixSoCallersSpreadOverSlots(String name) {
        Caller caller = new Caller(Caller.Kind.KEY, name, name, null, 0, 10, 100);
        assertEquals(SlotHash.getSlot("clawgate:quota:key:" + name),
                SlotHash.getSlot(RedisTokenQuotas.minuteKey(caller, 0)), "the tag is the caller's own prefix");
    }
}
