package dev.clawgate.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The soak's figures as Markdown: the samples table, the answers by kind and outcome, and the verdict. */
final class SoakReport {
    private SoakReport() {
    }

    static String markdown(List<SoakSampler.Sample> samples, Map<SoakMix.Kind, Map<String, Long>> outcomes,
                           List<String> failures, long failed, long skipped, List<SoakSampler.Verdict> verdicts,
                           long warmupS, boolean pass) {
        StringBuilder b = new StringBuilder();
        b.append("Samples of the container process (heap used after a full GC; CPU is user + system time since "
                + "the JVM started; the last row is after the load stopped and the slow requests still open were "
                + "hung up):\n\n");
        b.append("| t (s) | heap after GC (MB) | live threads | of which in pools | open files | RSS (MB) | CPU (s) "
                + "| load so far |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (SoakSampler.Sample s : samples) {
            b.append(String.format(Locale.ROOT, "| %d | %.1f | %d | %d | %d | %.0f | %.1f | %s |%n", s.t(),
                    s.heapKb() / 1024.0, s.threads(), s.pooled(), s.fds(), s.rssKb() / 1024.0, s.cpuS(), s.note()));
        }
        b.append("\nAnswers by kind of request (outcome: count). `hung up` / `disconnected`: the client closed "
                + "first, as that kind does; `FAIL`: an answer that was not the expected JSON or SSE (a 5xx, HTML, a "
                + "malformed or cut body, an unexpected status):\n\n");
        b.append("| kind | requests | outcomes |\n|---|---:|---|\n");
        long total = 0;
        for (Map.Entry<SoakMix.Kind, Map<String, Long>> e : outcomes.entrySet()) {
            long n = e.getValue().values().stream().mapToLong(Long::longValue).sum();
            total += n;
            StringBuilder o = new StringBuilder();
            e.getValue().forEach((k, v) -> o.append(o.length() == 0 ? "" : ", ").append('`').append(k)
                    .append("`: ").append(v));
            b.append("| ").append(e.getKey().name().toLowerCase(Locale.ROOT)).append(" | ").append(n).append(" | ")
                    .append(o).append(" |\n");
        }
        b.append("| **all** | **").append(total).append("** | failures: ").append(failed)
                .append(skipped > 0 ? ", not sent (driver behind): " + skipped : "").append(" |\n");
        if (!failures.isEmpty()) {
            b.append("\nFirst failures:\n\n");
            failures.forEach(f -> b.append("- `").append(f.replace('`', '\'')).append("`\n"));
        }
        b.append(String.format(Locale.ROOT, "%nVerdict (samples after the first %d s; the last third's maximum against "
                + "the first third's; ceilings: heap +%d%% or +%d MB, threads outside the pools +%d, open files +%d%% or +%d; "
                + "the pool threads are bounded by configuration and reported, not judged):%n%n",
                warmupS, SoakSampler.HEAP_MARGIN_PCT, SoakSampler.HEAP_MARGIN_MB, SoakSampler.THREAD_MARGIN,
                SoakSampler.FD_MARGIN_PCT, SoakSampler.FD_MARGIN));
        verdicts.forEach(v -> b.append("- ").append(v.line()).append('\n'));
        b.append(String.format(Locale.ROOT, "- pool threads (container request pool, upstream clients, store): "
                + "%d to %d over the run%n", samples.stream().filter(s -> s.t() > 0).mapToLong(SoakSampler.Sample::pooled)
                .min().orElse(-1), samples.stream().mapToLong(SoakSampler.Sample::pooled).max().orElse(-1)));
        b.append("- answers that were not the expected JSON or SSE: ").append(failed).append('\n');
        b.append("\n**").append(pass ? "PASS" : "FAIL").append("**\n");
        return b.toString();
    }
}
