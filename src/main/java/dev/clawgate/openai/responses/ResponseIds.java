package dev.clawgate.openai.responses;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the ids of a response come from: {@code resp_…} for the response, {@code msg_…} for a message item,
 * {@code fc_…} for a function call item and {@code call_…} for a call the model left without an id. They are not
 * secrets, so {@link #RANDOM} draws 24 base-62 characters from a fast random; tests pass a counter.
 */
@FunctionalInterface
public interface ResponseIds {
    /** A fresh id starting with {@code prefix} (e.g. {@code "resp_"}). */
    String next(String prefix);

    ResponseIds RANDOM = prefix -> {
        char[] alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder(prefix.length() + 24).append(prefix);
        for (int i = 0; i < 24; i++) {
            b.append(alphabet[r.nextInt(alphabet.length)]);
        }
        return b.toString();
    };
}
