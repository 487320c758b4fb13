package dev.clawgate.ratelimit;

/**
 * Durations as OpenAI writes them in {@code x-ratelimit-reset-*} headers (Go's duration format, to the
 * millisecond): {@code 120ms} under a second, else hours, minutes and seconds such as {@code 1s}, {@code 1.5s},
 * {@code 1m30s}, {@code 6m0s}, {@code 1h0m0s}. Rounded up to the next millisecond, so a reset is never understated;
 * zero is {@code 0s}.
 */
public final class OpenAiDuration {
    private OpenAiDuration() {
    }

    /** {@code nanos} (negative counts as zero) in OpenAI's format. */
    public static String format(long nanos) {
        long ms = nanos <= 0 ? 0 : (nanos - 1) / 1_000_000 + 1;
        if (ms == 0) {
            return "0s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        StringBuilder b = new StringBuilder();
        long hours = ms / 3_600_000;
        long minutes = ms / 60_000 % 60;
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            b.append(minutes).append('m');
        }
        b.append(ms / 1000 % 60);
        long fraction = ms % 1000;
        if (fraction > 0) {
            String f = Long.toString(1000 + fraction).substring(1);
            b.append('.').append(f.replaceAll("0+$", ""));
        }
        return b.append('s').toString();
    }
}
