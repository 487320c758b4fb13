package dev.clawgate.bench;

/**
 * Median latency added by the gateway over calling the upstream directly: sequential non-streaming requests on one
 * keep-alive connection each, in interleaved rounds (direct, gateway, gateway, direct, ...) so drift in machine load
 * hits both sides alike. Prints {@code key=value} lines.
 *
 * <p>Usage: {@code AddedLatency <upstreamPort> <gatewayPort> <gatewayPath> <token> <model> <text> <rounds>
 * <perRound>}.
 */
public final class AddedLatency {
    private AddedLatency() {
    }

    public static void main(String[] a) throws Exception {
        int upstreamPort = Integer.parseInt(a[0]);
        int gatewayPort = Integer.parseInt(a[1]);
        String gwPath = a[2];
        String token = a[3];
        String model = a[4];
        String text = a[5];
        int rounds = Integer.parseInt(a[6]);
        int perRound = Integer.parseInt(a[7]);
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        byte[] direct = Http1.post("/v1/chat/completions", null, body);
        byte[] viaGateway = Http1.post(gwPath, token, body);
        long[] d = new long[rounds * perRound];
        long[] g = new long[rounds * perRound];
        long[] roundDiff = new long[rounds];
        int nd = 0;
        int ng = 0;
        try (Http1 up = new Http1("127.0.0.1", upstreamPort); Http1 gw = new Http1("127.0.0.1", gatewayPort)) {
            for (int i = 0; i < 200; i++) { // warm both paths and connections
                check(up.exchange(direct));
                check(gw.exchange(viaGateway));
            }
            for (int r = 0; r < rounds; r++) {
                int d0 = nd;
                int g0 = ng;
                boolean directFirst = r % 2 == 0;
                for (int side = 0; side < 2; side++) {
                    boolean isDirect = (side == 0) == directFirst;
                    for (int i = 0; i < perRound; i++) {
                        if (isDirect) {
                            d[nd++] = check(up.exchange(direct)).totalNanos();
                        } else {
                            g[ng++] = check(gw.exchange(viaGateway)).totalNanos();
                        }
                    }
                }
                roundDiff[r] = (long) (Stats.pct(java.util.Arrays.copyOfRange(g, g0, ng), ng - g0, 50)
                        - Stats.pct(java.util.Arrays.copyOfRange(d, d0, nd), nd - d0, 50));
            }
        }
        System.out.println("direct_p50_ms=" + Stats.ms(Stats.pct(d, nd, 50)));
        System.out.println("direct_p99_ms=" + Stats.ms(Stats.pct(d, nd, 99)));
        System.out.println("gateway_p50_ms=" + Stats.ms(Stats.pct(g, ng, 50)));
        System.out.println("gateway_p99_ms=" + Stats.ms(Stats.pct(g, ng, 99)));
        System.out.println("added_p50_ms=" + Stats.ms(Stats.pct(g, ng, 50) - Stats.pct(d, nd, 50)));
        System.out.println("added_median_of_rounds_ms=" + Stats.ms(Stats.pct(roundDiff, rounds, 50)));
        System.out.println("requests=" + (nd + ng));
    }

    private static Http1.Result check(Http1.Result r) {
        if (r.status() != 200) {
            throw new IllegalStateException("status " + r.status() + ": " + new String(r.body()));
        }
        return r;
    }
}
