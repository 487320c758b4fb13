package dev.clawgate.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Locale;

/**
 * An IP address range from {@code gateway.trustedProxies}: an IPv4 or IPv6 address with an optional prefix length,
 * e.g. {@code 10.0.0.0/8}, {@code fd00::/8}, {@code 192.168.1.7} (a plain address is a range of one). An
 * IPv4-mapped IPv6 range ({@code ::ffff:10.0.0.0/104}) is read as the IPv4 range it covers. Parsing never looks a
 * name up in DNS. Immutable.
 */
public final class AddressRange {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private AddressRange(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * @param key   the key being read, for the error
     * @param entry one address or CIDR, trimmed
     * @throws ConfigException naming {@code key} when {@code entry} is neither
     */
    public static AddressRange parse(String key, String entry) {
        int slash = entry.indexOf('/');
        String host = slash < 0 ? entry : entry.substring(0, slash);
        InetAddress address = literal(host);
        if (address == null) {
            throw new ConfigException(key, "'" + sanitise(entry) + "' is not an IPv4 or IPv6 address or CIDR");
        }
        int bits = host.contains(":") ? 128 : 32;
        int prefix = address.getAddress().length * 8;
        if (slash >= 0) {
            String p = entry.substring(slash + 1);
            prefix = p.matches("\\d{1,3}") ? Integer.parseInt(p) : -1;
            if (prefix < 0 || prefix > bits) {
                throw new ConfigException(key, "'" + sanitise(entry) + "' has a bad prefix length (0 to " + bits + ")");
            }
            if (address instanceof Inet4Address && bits == 128) {
                // ::ffff:a.b.c.d/n: Java hands back the IPv4 address; the prefix counts IPv6 bits
                prefix = Math.max(0, prefix - 96);
            }
        }
        return new AddressRange(address.getAddress(), prefix, entry);
    }

    /** Whether {@code address} lies in this range (an IPv4 address is never in an IPv6 range, nor the reverse). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    /** Prefix length in bits, of the address family of the network (an IPv4-mapped range counts IPv4 bits). */
    public int prefix() {
        return prefix;
    }

    /** The entry as configured. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange r && r.prefix == prefix && Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    /** A bare IPv4 or IPv6 literal, or null ({@link IpLiteral}: never looked up). */
    private static InetAddress literal(String s) {
        return IpLiteral.parse(s);
    }

    private static String sanitise(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        t = t.length() > 64 ? t.substring(0, 64) : t;
        return t.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
