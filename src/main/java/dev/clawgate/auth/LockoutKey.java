package dev.clawgate.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;

/**
 * The key a client address is locked out under: an IPv4 address as it is; an IPv6 address by its first
 * {@code ipv6Prefix} bits ({@code gateway.auth.rateLimit.ipv6Prefix} [64]), written as the masked address in hex and
 * the prefix, e.g. {@code 20010db8000000010000000000000000/64}, because a single host or customer usually holds a
 * whole /64 and could otherwise guess from 2^64 addresses. Anything that is not an IP literal is used as given.
 * Never resolves a name.
 */
public final class LockoutKey {
    /** Default prefix length for IPv6, bits. */
    public static final int DEFAULT_IPV6_PREFIX = 64;

    private LockoutKey() {
    }

    /**
     * @param client     the client address as {@link ClientAddress#resolve} returns it
     * @param ipv6Prefix bits of an IPv6 address that identify a client, 1..128
     */
    public static String of(String client, int ipv6Prefix) {
        if (client == null || client.indexOf(':') < 0) {
            return client;
        }
        InetAddress a = ClientAddress.parse(client);
        if (!(a instanceof Inet6Address)) {
            return a == null ? client : a.getHostAddress();
        }
        byte[] b = a.getAddress();
        for (int bit = ipv6Prefix; bit < 128; bit++) {
            b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return HexFormat.of().formatHex(b) + "/" + ipv6Prefix;
    }
}
