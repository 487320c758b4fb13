package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {
    static AddressRange range(String entry) {
        return AddressRange.parse(ConfigKeys.TRUSTED_PROXIES, entry);
    }

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example.com", "10.0.0.0/33", "10.0.0.256", "fd00::/129", "10.0.0.0/", "10.0.0.0/x",
            "1.2.3", "*", "1.2.3.4:80", ".:", "10.0.0.0/-1"})
    void aBadTrustedProxyEntryFailsWithAConfigExceptionNamingTheKey(String entry) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoaderTest.load(Map.of("gateway.trustedProxies", "10.0.0.1, " + entry)));
        assertEquals(ConfigKeys.TRUSTED_PROXIES, e.key());
    }

    @Test
    void theLoaderHandsOverParsedRangesAndKeepsTheEntriesAsWritten() throws Exception {
        GatewayConfig c = ConfigLoaderTest.load(Map.of("gateway.trustedProxies", " 10.0.0.0/8 ,, fd00::/8"));
        assertEquals(List.of("10.0.0.0/8", "fd00::/8"), c.trustedProxies());
        assertEquals(List.of(range("10.0.0.0/8"), range("fd00::/8")), c.trustedProxyRanges());
        assertTrue(c.trustedProxyRanges().get(1).contains(ip("fd12::1")));
    }

    @Test
    void aPrefixCutsInsideAByte() throws Exception {
        AddressRange r = range("172.16.0.0/12");
        assertTrue(r.contains(ip("172.31.255.254")));
        assertFalse(r.contains(ip("172.32.0.1")));
        assertTrue(range("0.0.0.0/0").contains(ip("8.8.8.8")));
    }

    @Test
    void aPlainAddressIsARangeOfOneAndFamiliesNeverMix() throws Exception {
        assertTrue(range("192.168.1.7").contains(ip("192.168.1.7")));
        assertFalse(range("192.168.1.7").contains(ip("192.168.1.8")));
        assertFalse(range("0.0.0.0/0").contains(ip("::1")));
        assertFalse(range("::/0").contains(ip("10.0.0.1")));
    }

    @Test
    void anIpv4MappedRangeCoversTheIpv4AddressesItMaps() throws Exception {
        AddressRange r = range("::ffff:10.0.0.0/104");
        assertEquals(8, r.prefix());
        assertTrue(r.contains(ip("10.200.0.1")));
        assertFalse(r.contains(ip("11.0.0.1")));
    }
}
