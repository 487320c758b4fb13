package dev.clawgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Samples the container process for the soak ({@link SoakLoad}) and judges whether its resources stayed flat.
 * A sample is the heap used after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), the live threads and
 * RSS ({@code /proc/<pid>/status}), the open file descriptors ({@code /proc/<pid>/fd}) and the process's CPU time;
 * the live threads are also split ({@code jcmd Thread.print}) into those of the bounded pools that grow and shrink
 * with the load — the container's request pool (Jetty {@code qtp*}, Tomcat {@code http-*-exec-*}) and the gateway's
 * upstream clients ({@code clawgate-upstream-*}, at most 8 each) and store executor ({@code clawgate-store-*}, at
 * most 2) — and all the others, which must not grow at all.
 *
 * <p>The verdict: the samples after the warm-up are split in thirds; each resource's largest value in the last third
 * must stay within a margin of its largest value in the first third — heap: {@value #HEAP_MARGIN_PCT}% or
 * {@value #HEAP_MARGIN_MB} MB, whichever is larger; threads outside the pools: {@value #THREAD_MARGIN}; open files:
 * {@value #FD_MARGIN_PCT}% or {@value #FD_MARGIN}, whichever is larger. The slope (least squares over the same
 * samples, per minute) is reported beside it.
 */
final class SoakSampler {
    static final int HEAP_MARGIN_PCT = 10;
    static final int HEAP_MARGIN_MB = 8;
    static final int THREAD_MARGIN = 2;
    static final int FD_MARGIN_PCT = 10;
    static final int FD_MARGIN = 40;

    /** One sample: seconds since the load started, and what the process held then; {@code note} is load context. */
    record Sample(long t, long heapKb, long threads, long pooled, long fds, long rssKb, double cpuS, String note) {
        long unpooled() {
            return threads - pooled;
        }
    }

    private static final java.util.regex.Pattern POOLED = java.util.regex.Pattern.compile(
            "^\"(qtp\\d+-\\d+|http-[^\"]*-exec-\\d+|clawgate-upstream-[^\"]*|clawgate-store-\\d+)\"",
            java.util.regex.Pattern.MULTILINE);

    private final long pid;
    private final List<Sample> samples = new ArrayList<>();

    SoakSampler(long pid) {
        this.pid = pid;
    }

    synchronized Sample take(long t, String note) throws Exception {
        long[] heapThreadsRss = StreamHold.sample(pid);
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = s.count();
        }
        long pooled = POOLED.matcher(StreamHold.run("jcmd", Long.toString(pid), "Thread.print")).results().count();
        Sample sample = new Sample(t, heapThreadsRss[0], heapThreadsRss[1], pooled, fds, heapThreadsRss[2],
                cpuSeconds(), note);
        samples.add(sample);
        return sample;
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    private double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    /** One judged resource: first and last third's maxima, the allowed ceiling, the slope per minute. */
    record Verdict(String resource, String unit, long firstMax, long lastMax, long ceiling, double slopePerMin) {
        boolean flat() {
            return lastMax <= ceiling;
        }

        String line() {
            return String.format(Locale.ROOT, "%s: first-third max %d %s, last-third max %d %s, ceiling %d %s, "
                    + "slope %+.1f %s/min -> %s", resource, firstMax, unit, lastMax, unit, ceiling, unit,
                    slopePerMin, unit, flat() ? "flat" : "GROWING");
        }
    }

    /** The verdicts over the load samples taken after {@code warmupS} seconds (in order: heap, threads, fds). */
    static List<Verdict> judge(List<Sample> load, long warmupS) {
        List<Sample> s = load.stream().filter(x -> x.t() > warmupS).toList();
        int third = Math.max(1, s.size() / 3);
        List<Sample> first = s.subList(0, third);
        List<Sample> last = s.subList(s.size() - third, s.size());
        long heapFirst = max(first, Sample::heapKb);
        long fdFirst = max(first, Sample::fds);
        long threadFirst = max(first, Sample::unpooled);
        return List.of(
                new Verdict("heap after GC", "KB", heapFirst, max(last, Sample::heapKb),
                        heapFirst + Math.max(heapFirst * HEAP_MARGIN_PCT / 100, HEAP_MARGIN_MB * 1024L),
                        slope(s, Sample::heapKb)),
                new Verdict("threads outside the pools", "threads", threadFirst, max(last, Sample::unpooled),
                        threadFirst + THREAD_MARGIN, slope(s, Sample::unpooled)),
                new Verdict("open files", "fds", fdFirst, max(last, Sample::fds),
                        fdFirst + Math.max(fdFirst * FD_MARGIN_PCT / 100, FD_MARGIN), slope(s, Sample::fds)));
    }

    private static long max(List<Sample> s, java.util.function.ToLongFunction<Sample> f) {
        return s.stream().mapToLong(f).max().orElse(-1);
    }

    /** Least-squares slope of {@code f} over time, per minute. */
    static double slope(List<Sample> s, java.util.function.ToLongFunction<Sample> f) {
        double n = s.size();
        double mt = s.stream().mapToDouble(Sample::t).sum() / n;
        double mv = s.stream().mapToDouble(f::applyAsLong).sum() / n;
        double num = 0;
        double den = 0;
        for (Sample x : s) {
            num += (x.t() - mt) * (f.applyAsLong(x) - mv);
            den += (x.t() - mt) * (x.t() - mt);
        }
        return den == 0 ? 0 : num / den * 60;
    }
}
