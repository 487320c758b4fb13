package dev.clawgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds many slow SSE streams open at once from one NIO thread: ramps {@code n} streams up at {@code rate} per
 * second, and once every stream has its role chunk samples the gateway process (heap after a full GC via
 * {@code jcmd}, live threads and RSS from {@code /proc/<pid>/status}); then waits for every stream's
 * {@code [DONE]}. A stream fails on a non-200 status, an error frame or a connection closed before {@code [DONE]}.
 * Prints {@code key=value} lines prefixed with {@code label}.
 *
 * <p>Usage: {@code StreamHold <port> <token> <model> <text> <n> <ratePerSec> <expectedStreamMs> <gatewayPid>
 * <timeoutSec> <label>}; token {@code -} sends none, gatewayPid {@code 0} samples nothing (a burst timed alone).
 */
public final class StreamHold {
    private static final class Conn {
        final long start = System.nanoTime();
        ByteBuffer out;
        String tail = "";
        boolean statusChecked;
        long open = -1;
        long done = -1;
    }

    private StreamHold() {
    }

    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        String token = a[1].equals("-") ? null : a[1];
        String body = "{\"model\":\"" + a[2] + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + a[3] + "\"}]}";
        int n = Integer.parseInt(a[4]);
        double rate = Double.parseDouble(a[5]);
        long expectedNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(a[6]));
        long pid = Long.parseLong(a[7]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(a[8]));
        String label = a[9];
        byte[] request = Http1.post("/v1/chat/completions", token, body);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);

        long[] baseline = pid > 0 ? sample(pid) : new long[] {-1, -1, -1};
        Selector selector = Selector.open();
        ByteBuffer in = ByteBuffer.allocateDirect(65536);
        byte[] bytes = new byte[65536];
        long t0 = System.nanoTime();
        int started = 0;
        int opened = 0;
        int finished = 0;
        int failed = 0;
        String firstFailure = null;
        long[] durations = new long[n];
        java.util.concurrent.CompletableFuture<long[]> peak = null;
        int openAtSample = -1;
        long rampNanos = -1;
        while (finished + failed < n && System.nanoTime() < deadline) {
            long due = Math.min(n, (long) ((System.nanoTime() - t0) / 1e9 * rate) + 1);
            while (started < due) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn();
                c.out = ByteBuffer.wrap(request);
                ch.connect(address);
                ch.register(selector, SelectionKey.OP_CONNECT, c);
                started++;
            }
            selector.select(2);
            for (SelectionKey key : selector.selectedKeys()) {
                SocketChannel ch = (SocketChannel) key.channel();
                Conn c = (Conn) key.attachment();
                String problem = null;
                try {
                    if (key.isConnectable()) {
                        ch.finishConnect();
                        key.interestOps(SelectionKey.OP_WRITE);
                    } else if (key.isWritable()) {
                        ch.write(c.out);
                        if (!c.out.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        in.clear();
                        int r = ch.read(in);
                        if (r < 0) {
                            problem = "closed before [DONE]";
                        } else {
                            in.flip();
                            in.get(bytes, 0, r);
                            String s = c.tail + new String(bytes, 0, r, StandardCharsets.ISO_8859_1);
                            if (!c.statusChecked && s.length() >= 12) {
                                c.statusChecked = true;
                                if (!s.startsWith("HTTP/1.1 200")) {
                                    problem = "status " + s.substring(0, Math.min(s.length(), 40)).split("\r")[0];
                                }
                            }
                            if (problem == null && s.contains("\"error\"")) {
                                problem = "error frame";
                            }
                            if (problem == null && c.open < 0 && s.contains("\"role\":\"assistant\"")) {
                                c.open = System.nanoTime();
                                opened++;
                            }
                            if (problem == null && s.contains("data: [DONE]")) {
                                c.done = System.nanoTime();
                                durations[finished++] = c.done - c.start;
                                key.cancel();
                                ch.close();
                            }
                            c.tail = s.substring(Math.max(0, s.length() - 40));
                        }
                    }
                } catch (IOException e) {
                    problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                if (problem != null) {
                    failed++;
                    if (firstFailure == null) {
                        firstFailure = problem;
                    }
                    key.cancel();
                    ch.close();
                }
            }
            selector.selectedKeys().clear();
            if (rampNanos < 0 && opened + failed >= n && started == n) {
                rampNanos = System.nanoTime() - t0;
                openAtSample = opened - finished;
            }
            if (peak == null && pid > 0 && openAtSample >= 0) {
                // every stream is open: sample on another thread while this one keeps reading
                peak = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return sample(pid);
                    } catch (Exception e) {
                        return new long[] {-1, -1, -1};
                    }
                });
            }
        }
        long elapsed = System.nanoTime() - t0;
        long[] atPeak = peak == null ? null : peak.get();
        int within = 0;
        for (int i = 0; i < finished; i++) {
            if (durations[i] <= expectedNanos * 3 / 2) {
                within++;
            }
        }
        String p = label + "_";
        System.out.println(p + "streams=" + n);
        System.out.println(p + "finished=" + finished);
        System.out.println(p + "failed=" + failed + (firstFailure == null ? "" : " (" + firstFailure + ")"));
        System.out.println(p + "open_at_sample=" + openAtSample);
        System.out.println(p + "ramp_s=" + String.format(java.util.Locale.ROOT, "%.1f", rampNanos / 1e9));
        System.out.println(p + "baseline_heap_kb=" + baseline[0]);
        System.out.println(p + "baseline_threads=" + baseline[1]);
        System.out.println(p + "baseline_rss_kb=" + baseline[2]);
        if (atPeak != null) {
            System.out.println(p + "heap_kb=" + atPeak[0]);
            System.out.println(p + "threads=" + atPeak[1]);
            System.out.println(p + "rss_kb=" + atPeak[2]);
            System.out.println(p + "heap_per_stream_bytes=" + (openAtSample > 0
                    ? (atPeak[0] - baseline[0]) * 1024 / openAtSample : -1));
        }
        System.out.println(p + "expected_s=" + String.format(java.util.Locale.ROOT, "%.1f", expectedNanos / 1e9));
        System.out.println(p + "duration_p50_s=" + String.format(java.util.Locale.ROOT, "%.2f",
                Stats.pct(durations, finished, 50) / 1e9));
        System.out.println(p + "duration_max_s=" + String.format(java.util.Locale.ROOT, "%.2f",
                Stats.pct(durations, finished, 100) / 1e9));
        System.out.println(p + "within_1_5x=" + within);
        System.out.println(p + "elapsed_s=" + String.format(java.util.Locale.ROOT, "%.1f", elapsed / 1e9));
    }

    /** Heap used after a full GC (KB), live threads, RSS (KB) of the process. */
    static long[] sample(long pid) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        String heap = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(heap);
        long heapKb = m.find() ? Long.parseLong(m.group(1)) : -1;
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        return new long[] {heapKb, field(status, "Threads:"), field(status, "VmRSS:")};
    }

    private static long field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
