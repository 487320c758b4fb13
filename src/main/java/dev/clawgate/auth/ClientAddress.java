package dev.clawgate.auth;

import dev.clawgate.config.AddressRange;
import dev.clawgate.config.IpLiteral;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who the client is, for the failed-auth lockout and the request rate limiter: its IP address as text.
 *
 * <p>The client is the socket peer ({@code getRemoteAddr()}), unless the peer is one of {@code gateway.trustedProxies}
 * (IPv4 or IPv6 addresses and CIDRs such as {@code 10.0.0.0/8} or {@code fd00::/8}; default: none). Then the
 * {@code X-Forwarded-For} hops (all such headers, in order) are walked from the right, skipping trusted hops, and the
 * first untrusted hop is the client: a proxy appends the address it saw, so hops to its right are written by proxies
 * we trust and hops to its left could be forged by the client. When every hop is trusted the left-most one is the
 * client. An untrusted peer's {@code X-Forwarded-For} is ignored. Addresses are normalised
 * ({@code ::ffff:1.2.3.4} becomes {@code 1.2.3.4}, IPv6 is written in full), so one client has one key. A hop that is
 * not an address (e.g. {@code unknown}) is used as written, cut to 64 characters.
 *
 * <p>{@link #resolve} computes the address once per request and keeps it as request attribute {@link #ATTRIBUTE}.
 * No name is ever looked up in DNS.
 */
public final class ClientAddress {
    /** Request attribute holding the resolved client address ({@link String}). */
    public static final String ATTRIBUTE = ClientAddress.class.getName();
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d{1,5}");

    private final List<AddressRange> trusted;

    /** @param trustedProxies {@code gateway.trustedProxies}, parsed */
    public ClientAddress(List<AddressRange> trustedProxies) {
        this.trusted = List.copyOf(trustedProxies);
    }

    /** The client address of {@code request}, computed on first use and then read from {@link #ATTRIBUTE}. */
    public String resolve(HttpServletRequest request) {
        Object known = request.getAttribute(ATTRIBUTE);
        if (known instanceof String s) {
            return s;
        }
        String address = clientOf(request.getRemoteAddr(), Collections.list(request.getHeaders("X-Forwarded-For")));
        request.setAttribute(ATTRIBUTE, address);
        return address;
    }

    /**
     * The client behind {@code peer}.
     *
     * @param peer           the socket peer address
     * @param forwardedFor   every {@code X-Forwarded-For} header value, in the order received
     */
    public String clientOf(String peer, List<String> forwardedFor) {
        InetAddress peerAddress = parse(peer);
        String client = peerAddress == null ? sanitise(peer) : text(peerAddress);
        if (peerAddress == null || !isTrusted(peerAddress)) {
            return client;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = parse(hops.get(i));
            if (hop == null) {
                return sanitise(hops.get(i));
            }
            client = text(hop);
            if (!isTrusted(hop)) {
                return client;
            }
        }
        return client;
    }

    /** Whether {@code address} (as {@link #resolve} returns it) is a loopback address. */
    public static boolean isLoopback(String address) {
        InetAddress a = parse(address);
        return a != null && a.isLoopbackAddress();
    }

    private boolean isTrusted(InetAddress address) {
        for (AddressRange c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String text(InetAddress a) {
        return a.getHostAddress();
    }

    private static String sanitise(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        t = t.length() > 64 ? t.substring(0, 64) : t;
        return t.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /**
     * An IP literal, also in the forms proxies write ({@code [v6]}, {@code [v6]:port}, {@code v4:port}); null when
     * {@code s} is not one. Parsed by {@link IpLiteral}, strictly and from its digits: never resolves a name, whatever
     * the text (a hop such as {@code .evil:1} is not an address, and is not looked up).
     */
    static InetAddress parse(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        if (t.startsWith("[")) {
            int end = t.indexOf(']');
            if (end < 0) {
                return null;
            }
            t = t.substring(1, end);
        } else {
            var withPort = IPV4_WITH_PORT.matcher(t);
            if (withPort.matches()) {
                t = withPort.group(1);
            }
        }
        return IpLiteral.parse(t);
    }
}
