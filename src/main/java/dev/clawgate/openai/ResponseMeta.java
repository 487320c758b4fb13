package dev.clawgate.openai;

/**
 * The fields of a completion object that describe the upstream's answer as a whole, relayed as it sent them.
 *
 * @param systemFingerprint {@code system_fingerprint}, or null (written as {@code null})
 * @param serviceTier       {@code service_tier}, or null (then not written)
 */
public record ResponseMeta(String systemFingerprint, String serviceTier) {
    /** Neither field known: the echo provider's, and an upstream's until it says. */
    public static final ResponseMeta NONE = new ResponseMeta(null, null);
}
