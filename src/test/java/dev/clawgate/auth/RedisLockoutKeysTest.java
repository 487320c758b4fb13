package dev.clawgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.cluster.SlotHash;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A client's two lockout keys, used by one script, share a hash slot in a Redis Cluster. */
class RedisLockoutKeysTest {
    @ParameterizedTest
    @ValueSource(strings = {"198.51.100.7", "2001:db8:77:1::1", "2001:db8:77:1:abcd::3", "::1", "10.0.0.1"})
    void theFailsAndUntilKeysOfAClientShareOneSlot(String client) {
        RedisLockout lockout = new RedisLockout(null, Clock.systemUTC(), 5, 60_000, 300_000, 64);
        String key = lockout.keyOf(client);
        assertEquals('{', key.charAt(0));
        assertEquals(SlotHash.getSlot(key + ":fails"), SlotHash.getSlot(key + ":until"));
        assertEquals(SlotHash.getSlot(key.substring(1, key.length() - 1)), SlotHash.getSlot(key + ":fails"),
                "the tag is clawgate:lockout:<client>");
    }
}
