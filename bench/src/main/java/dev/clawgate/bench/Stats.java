package dev.clawgate.bench;

import java.util.Arrays;

/** Percentiles of a sample, nearest rank. */
final class Stats {
    private Stats() {
    }

    static double pct(long[] values, int count, double p) {
        long[] v = Arrays.copyOf(values, count);
        Arrays.sort(v);
        if (count == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * count) - 1;
        return v[Math.max(0, Math.min(count - 1, i))];
    }

    static String ms(double nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
