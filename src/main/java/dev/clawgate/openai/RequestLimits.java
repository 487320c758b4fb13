package dev.clawgate.openai;

/**
 * Bounds on one chat completions request, checked by {@link ChatRequestParser}; each excess is a 400
 * {@code invalid_request_error} whose {@code param} names the field (never a 5xx). The defaults are those of the
 * {@code gateway.http.*} keys that set them.
 *
 * @param maxModelChars       longest {@code model}, chars [256] ({@code gateway.http.maxModelChars})
 * @param maxUserChars        longest {@code user}, chars [512] ({@code gateway.http.maxUserChars})
 * @param maxHeaderChars      longest {@code x-openclaw-session-key} / {@code x-openclaw-agent-id} value, chars [512]
 *                            ({@code gateway.http.maxHeaderChars})
 * @param maxMessages         most entries in {@code messages} [2000] ({@code gateway.http.maxMessages})
 * @param maxContentParts     most content parts in one message [256] ({@code gateway.http.maxContentParts})
 * @param maxPassThroughBytes JSON size of every top-level field passed to the upstream as sent, names included,
 *                            bytes [1048576] ({@code gateway.http.maxPassThroughBytes})
 * @param maxChoices          largest {@code n} [8] ({@code gateway.http.maxChoices})
 */
public record RequestLimits(int maxModelChars, int maxUserChars, int maxHeaderChars, int maxMessages,
                            int maxContentParts, long maxPassThroughBytes, int maxChoices) {
    /** The documented defaults. */
    public static final RequestLimits DEFAULTS = new RequestLimits(256, 512, 512, 2000, 256, 1_048_576, 8);
}
