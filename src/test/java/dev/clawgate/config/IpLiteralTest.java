package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict literal parser behind trusted proxies and client addresses: literals only, from their digits. */
class IpLiteralTest {
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "10.0.0.1, 10.0.0.1",
            "255.255.255.255, 255.255.255.255",
            "0.0.0.0, 0.0.0.0",
            "::1, 0:0:0:0:0:0:0:1",
            "::, 0:0:0:0:0:0:0:0",
            "fd00::, fd00:0:0:0:0:0:0:0",
            "2001:DB8::8:800:200C:417A, 2001:db8:0:0:8:800:200c:417a",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
            "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
            "::ffff:10.0.0.1, 10.0.0.1",
            "::ffff:a00:1, 10.0.0.1",
            "64:ff9b::192.0.2.33, 64:ff9b:0:0:0:0:c000:221",
            "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304"})
    void aLiteralIsReadFromItsDigits(String text, String expected) {
        InetAddress a = IpLiteral.parse(text);
        assertEquals(expected, a.getHostAddress());
    }

    @ParameterizedTest(name = "\"{0}\" is not a literal")
    @ValueSource(strings = {"", " ", "localhost", "example.com", ".1:2", ".evil:1", "..:", ".::1", "1.2.3", "1.2.3.4.5",
            "256.0.0.1", "1.2.3.-4", "1..2.3", "01234.1.1.1", "1.2.3.4:80", "[::1]", "fe80::1%eth0", ":", ":::",
            ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::",
            "g::1", "1:2:3:4:5:6:7:8::", "::1.2.3", "::1.2.3.4:5", "::ffff:300.0.0.1", "١.١.١.١", "１::"})
    void anythingElseIsNotALiteral(String text) {
        assertNull(IpLiteral.parse(text));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10.1.2.3", "192.168.0.255"})
    void anIpv4LiteralIsAnInet4AddressOfItsFourBytes(String text) throws Exception {
        InetAddress a = IpLiteral.parse(text);
        assertEquals(Inet4Address.class, a.getClass());
        assertArrayEquals(InetAddress.getByAddress(IpLiteral.ipv4(text)).getAddress(), a.getAddress());
    }
}
