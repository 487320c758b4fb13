package dev.clawgate.auth;

import dev.clawgate.caller.Caller;
import dev.clawgate.config.Access;
import dev.clawgate.config.AddressRange;
import dev.clawgate.openai.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * Mode {@code gateway.auth.mode=trusted-proxy}: the caller is the user an SSO proxy in front (oauth2-proxy, Keycloak
 * gatekeeper, nginx {@code auth_request}) names in {@code gateway.auth.trustedProxy.userHeader}
 * [{@code X-Forwarded-User}]. The header is believed only when the socket peer itself is in
 * {@code gateway.trustedProxies} — anyone else can write any header — and only when every header of
 * {@code gateway.auth.trustedProxy.requiredHeaders} [none] is present too. The value, trimmed, must be 1 to
 * {@value #MAX_USER_LENGTH} visible ASCII characters. With {@code gateway.auth.trustedProxy.allowUsers} [empty = any]
 * only the listed users are let in; others, and declared users that are disabled or expired, get 403
 * {@code permission_error} / {@code user_not_allowed}.
 */
final class TrustedProxyAuth {
    /** Longest user header value accepted, characters. */
    static final int MAX_USER_LENGTH = 256;

    private final Access.TrustedProxy settings;
    private final List<AddressRange> trustedProxies;
    private final Set<String> allowUsers;
    private final CallerDirectory directory;

    TrustedProxyAuth(Access.TrustedProxy settings, List<AddressRange> trustedProxies, CallerDirectory directory) {
        this.settings = settings;
        this.trustedProxies = List.copyOf(trustedProxies);
        this.allowUsers = Set.copyOf(settings.allowUsers());
        this.directory = directory;
    }

    /**
     * The SSO caller of {@code req}, or null when the request does not come from a trusted proxy with a user (then
     * only a bearer credential can let it in).
     *
     * @throws ApiException 401 when a required header is missing or the user is malformed, 403 when the user is not
     *                      allowed
     */
    Caller resolve(HttpServletRequest req) {
        String raw = req.getHeader(settings.userHeader());
        if (raw == null || !trustedPeer(req.getRemoteAddr())) {
            return null;
        }
        String user = raw.trim();
        if (!wellFormed(user)) {
            throw unauthorized();
        }
        for (String required : settings.requiredHeaders()) {
            String v = req.getHeader(required);
            if (v == null || v.isBlank()) {
                throw unauthorized();
            }
        }
        Caller caller = allowUsers.isEmpty() || allowUsers.contains(user) ? directory.forUser(user) : null;
        if (caller == null) {
            throw new ApiException(403, "permission_error", null, "user_not_allowed",
                    "This user may not use the gateway.");
        }
        return caller;
    }

    private boolean trustedPeer(String peer) {
        InetAddress address = ClientAddress.parse(peer);
        if (address == null) {
            return false;
        }
        for (AddressRange r : trustedProxies) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    static boolean wellFormed(String user) {
        if (user.isEmpty() || user.length() > MAX_USER_LENGTH) {
            return false;
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    static ApiException unauthorized() {
        return new ApiException(401, "invalid_request_error", null, "invalid_api_key", BearerAuthFilter.UNAUTHORIZED);
    }
}
