package dev.clawgate.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A strict parser of IP address literals that never asks a resolver anything: dotted-quad IPv4 ({@code 10.0.0.1},
 * four decimal parts of one to three digits, each at most 255) and IPv6 in the RFC 4291 text forms (eight groups of
 * one to four hex digits, one {@code ::} for a run of zero groups, an IPv4 tail such as {@code ::ffff:10.0.0.1}).
 * Anything else — a name, a zone ({@code fe80::1%eth0}), a leading dot, brackets, a port — is not a literal. The
 * address is built from its bytes ({@link InetAddress#getByAddress(byte[])}), which performs no lookup; an
 * IPv4-mapped IPv6 address comes back as the IPv4 address.
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** The address {@code s} spells, or null when it is not exactly an IPv4 or IPv6 literal. */
    public static InetAddress parse(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        byte[] bytes = s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // only for a wrong length, which cannot happen here
        }
    }

    /** Four bytes of a dotted quad, or null. */
    static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !digits(p, 10)) {
                return null;
            }
            int n = Integer.parseInt(p);
            if (n > 255) {
                return null;
            }
            out[i] = (byte) n;
        }
        return out;
    }

    /** Sixteen bytes of an IPv6 literal, or null. */
    static byte[] ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap < 0 ? s : s.substring(0, gap);
        String tail = gap < 0 ? "" : s.substring(gap + 2);
        int[] left = groups(head, gap < 0);
        int[] right = gap < 0 ? new int[0] : groups(tail, true);
        if (left == null || right == null) {
            return null;
        }
        int explicit = left.length + right.length;
        if (gap < 0 ? explicit != 8 : explicit > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < left.length; i++) {
            put(out, i, left[i]);
        }
        for (int i = 0; i < right.length; i++) {
            put(out, 8 - right.length + i, right[i]);
        }
        return out;
    }

    /**
     * The 16-bit groups of one side of {@code ::} (empty text: none), or null. {@code last}: this side ends the
     * address, so its last part may be an IPv4 dotted quad (two groups).
     */
    private static int[] groups(String text, boolean last) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] parts = text.split(":", -1);
        int[] out = new int[parts.length + 1];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (last && i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = ipv4(p);
                if (v4 == null) {
                    return null;
                }
                out[n++] = (v4[0] & 0xff) << 8 | v4[1] & 0xff;
                out[n++] = (v4[2] & 0xff) << 8 | v4[3] & 0xff;
            } else {
                if (p.isEmpty() || p.length() > 4 || !digits(p, 16)) {
                    return null;
                }
                out[n++] = Integer.parseInt(p, 16);
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static void put(byte[] out, int group, int value) {
        out[2 * group] = (byte) (value >>> 8);
        out[2 * group + 1] = (byte) value;
    }

    /** Whether every character is an ASCII digit of {@code radix} (10 or 16); no other script's digits. */
    private static boolean digits(String s, int radix) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= '0' && c <= '9' || radix == 16 && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
