package dev.clawgate.bench;

/**
 * Time to the role chunk and to the first content delta of a stream, over sequential streaming requests on one
 * keep-alive connection (after a warm-up). Prints {@code key=value} lines prefixed with a label.
 *
 * <p>Usage: {@code SseProbe <port> <path> <token|-> <model> <text> <count> <label>}.
 */
public final class SseProbe {
    private SseProbe() {
    }

    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        String token = "-".equals(a[2]) ? null : a[2];
        int count = Integer.parseInt(a[5]);
        String label = a[6];
        String body = "{\"model\":\"" + a[3] + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + a[4] + "\"}]}";
        byte[] request = Http1.post(a[1], token, body);
        long[] role = new long[count];
        long[] content = new long[count];
        long[] total = new long[count];
        try (Http1 c = new Http1("127.0.0.1", port)) {
            for (int i = 0; i < 200; i++) {
                c.exchange(request);
            }
            for (int i = 0; i < count; i++) {
                Http1.Result r = c.exchange(request);
                if (r.status() != 200 || r.roleNanos() < 0 || r.contentNanos() < 0) {
                    throw new IllegalStateException("bad stream: status " + r.status());
                }
                role[i] = r.roleNanos();
                content[i] = r.contentNanos();
                total[i] = r.totalNanos();
            }
        }
        System.out.println(label + "_role_p50_ms=" + Stats.ms(Stats.pct(role, count, 50)));
        System.out.println(label + "_role_p99_ms=" + Stats.ms(Stats.pct(role, count, 99)));
        System.out.println(label + "_content_p50_ms=" + Stats.ms(Stats.pct(content, count, 50)));
        System.out.println(label + "_content_p99_ms=" + Stats.ms(Stats.pct(content, count, 99)));
        System.out.println(label + "_total_p50_ms=" + Stats.ms(Stats.pct(total, count, 50)));
    }
}
