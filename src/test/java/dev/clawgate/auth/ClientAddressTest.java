package dev.clawgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.config.AddressRange;
import dev.clawgate.config.ConfigKeys;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    static final ClientAddress NO_PROXIES = trusting();
    static final ClientAddress PROXIES = trusting("10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1");

    /** A resolver trusting these {@code gateway.trustedProxies} entries, parsed as the configuration parses them. */
    static ClientAddress trusting(String... entries) {
        return new ClientAddress(Arrays.stream(entries)
                .map(e -> AddressRange.parse(ConfigKeys.TRUSTED_PROXIES, e)).toList());
    }

    @Test
    void withoutTrustedProxiesTheSocketPeerIsTheClientAndForwardedForIsIgnored() {
        assertEquals("203.0.113.9", NO_PROXIES.clientOf("203.0.113.9", List.of("1.1.1.1")));
        assertEquals("127.0.0.1", NO_PROXIES.clientOf("127.0.0.1", List.of("1.1.1.1")));
    }

    @Test
    void anUntrustedPeersForwardedForIsIgnored() {
        assertEquals("203.0.113.9", PROXIES.clientOf("203.0.113.9", List.of("1.1.1.1")));
        assertEquals("11.0.0.1", PROXIES.clientOf("11.0.0.1", List.of("1.1.1.1")), "just outside 10.0.0.0/8");
    }

    @Test
    void aTrustedPeerNamesTheRightMostUntrustedHop() {
        assertEquals("1.1.1.1", PROXIES.clientOf("10.1.2.3", List.of("1.1.1.1")));
        assertEquals("2.2.2.2", PROXIES.clientOf("10.1.2.3", List.of("6.6.6.6, 2.2.2.2, 10.9.9.9, 192.168.1.7")),
                "a forged left-most hop is not believed");
    }

    @Test
    void hopsFromSeveralHeadersAreReadAsOneChain() {
        assertEquals("2.2.2.2", PROXIES.clientOf("192.168.1.7", List.of("6.6.6.6", "2.2.2.2, 10.0.0.5")));
    }

    @Test
    void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
        assertEquals("10.0.0.1", PROXIES.clientOf("10.0.0.9", List.of("10.0.0.1, 10.0.0.2")));
    }

    @Test
    void aTrustedPeerWithoutForwardedForIsTheClient() {
        assertEquals("10.0.0.9", PROXIES.clientOf("10.0.0.9", List.of()));
    }

    @Test
    void ipv6PeersAndCidrsAreMatched() {
        assertEquals("2001:db8:0:0:0:0:0:1", PROXIES.clientOf("fd12::1", List.of("2001:db8::1")));
        assertEquals("2001:db8:0:0:0:0:0:1", PROXIES.clientOf("[0:0:0:0:0:0:0:1]", List.of("[2001:db8::1]:443")));
        assertEquals("fe80:0:0:0:0:0:0:1", PROXIES.clientOf("fe80::1", List.of("1.1.1.1")), "fe80::/10 is not fd00::/8");
    }

    @Test
    void ipv4MappedIpv6IsNormalisedToIpv4() {
        assertEquals("10.0.0.1", NO_PROXIES.clientOf("::ffff:10.0.0.1", List.of()));
        assertEquals("3.3.3.3", PROXIES.clientOf("::ffff:10.0.0.1", List.of("::ffff:3.3.3.3")));
        assertEquals("3.3.3.3", trusting("::ffff:10.0.0.0/104")
                .clientOf("10.200.0.1", List.of("3.3.3.3")), "a mapped CIDR covers the IPv4 range");
    }

    @Test
    void hopsWithPortsAreUnderstood() {
        assertEquals("4.4.4.4", PROXIES.clientOf("10.0.0.1", List.of("4.4.4.4:5123")));
    }

    @Test
    void aHopThatIsNotAnAddressIsUsedAsWrittenAndNeverLookedUp() {
        assertEquals("unknown", PROXIES.clientOf("10.0.0.1", List.of("1.1.1.1, UNKNOWN")));
        assertEquals("localhost", PROXIES.clientOf("10.0.0.1", List.of("localhost")));
        assertFalse(ClientAddress.isLoopback("localhost"), "names are never resolved");
    }

    @Test
    void loopbackIsRecognisedInEveryForm() {
        assertTrue(ClientAddress.isLoopback("127.0.0.1"));
        assertTrue(ClientAddress.isLoopback("127.8.9.10"));
        assertTrue(ClientAddress.isLoopback("0:0:0:0:0:0:0:1"));
        assertTrue(ClientAddress.isLoopback("::ffff:127.0.0.1"));
        assertFalse(ClientAddress.isLoopback("10.0.0.1"));
    }

    @Test
    void prefixLengthsCutInsideAByte() {
        ClientAddress slash20 = trusting("172.16.0.0/12");
        assertEquals("9.9.9.9", slash20.clientOf("172.31.255.254", List.of("9.9.9.9")));
        assertEquals("172.32.0.1", slash20.clientOf("172.32.0.1", List.of("9.9.9.9")));
        ClientAddress everyone = trusting("0.0.0.0/0");
        assertEquals("9.9.9.9", everyone.clientOf("8.8.8.8", List.of("9.9.9.9")), "all hops trusted: left-most");
    }
}
