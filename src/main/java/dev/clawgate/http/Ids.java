package dev.clawgate.http;

import java.util.concurrent.ThreadLocalRandom;

/** Identifiers the gateway makes up: completion ids and request ids (not secrets, so a fast random suffices). */
final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private Ids() {
    }

    /** {@code chatcmpl-} and 24 random base-62 characters, as OpenAI's ids look. */
    static String completionId() {
        return "chatcmpl-" + random(24);
    }

    /** {@code req_} and 24 random base-62 characters. */
    static String requestId() {
        return "req_" + random(24);
    }

    private static String random(int n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = ALPHABET[r.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
