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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's load driver (bench/soak.sh): for {@code seconds}, sends the paced mix of {@link SoakMix} at a fixed
 * {@code rate} per second and keeps {@code slow} slow requests open beside it, all from one NIO thread on
 * 127.0.0.1. Every answer is classified ({@link SoakMix#classify}) and counted by kind and outcome; an outcome the
 * kind does not allow is a failure. Meanwhile {@link SoakSampler} samples the container every {@code sampleS}
 * seconds (and once before the load, and once after it has drained). At the end it writes the samples, the
 * answers and the verdict as Markdown to {@code out}, prints them, and exits 0 on PASS (no failure, every resource
 * flat), 1 on FAIL.
 *
 * <p>Usage: {@code SoakLoad <port> <token> <containerPid> <seconds> <rate> <slow> <sampleS> <warmupS>
 * <maxBodyBytes> <out.md>}.
 */
public final class SoakLoad {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final int MAX_ANSWER_BYTES = 1 << 20;
    private static final int MAX_SHORT_IN_FLIGHT = 2000;
    private static final double SLOW_RAMP_PER_S = 20;
    /** Seconds between hanging up on the slow requests still open at the end and the last sample. */
    private static final long IDLE_S = 15;
    private static final String CONTENT_DELTA = "\"delta\":{\"content\":\"";

    private static final class Conn {
        final SoakMix.Plan plan;
        final long start = System.nanoTime();
        final ByteBuffer out;
        byte[] in = new byte[4096];
        int len;

        Conn(SoakMix.Plan plan) {
            this.plan = plan;
            this.out = ByteBuffer.wrap(plan.bytes());
        }

        void append(ByteBuffer b, int n) {
            if (len + n > in.length) {
                in = java.util.Arrays.copyOf(in, Math.max(in.length * 2, len + n));
            }
            b.get(in, len, n);
            len += n;
        }
    }

    private final InetSocketAddress address;
    private final SoakMix mix;
    private final Selector selector;
    private final Set<SelectionKey> live = new HashSet<>();
    private final Map<SoakMix.Kind, Map<String, Long>> outcomes = new EnumMap<>(SoakMix.Kind.class);
    private final List<String> failures = new ArrayList<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
    private volatile int shortInFlight;
    private volatile int slowInFlight;
    private long skipped;

    private SoakLoad(int port, SoakMix mix) throws IOException {
        this.address = new InetSocketAddress("127.0.0.1", port);
        this.mix = mix;
        this.selector = Selector.open();
    }

    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        long pid = Long.parseLong(a[2]);
        long seconds = Long.parseLong(a[3]);
        double rate = Double.parseDouble(a[4]);
        int slow = Integer.parseInt(a[5]);
        long sampleS = Long.parseLong(a[6]);
        long warmupS = Long.parseLong(a[7]);
        int maxBody = Integer.parseInt(a[8]);
        Path out = Path.of(a[9]);
        SoakLoad load = new SoakLoad(port, new SoakMix(a[1], maxBody));
        SoakSampler sampler = new SoakSampler(pid);
        print(sampler.take(0, "before the load"));

        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        Thread sampling = new Thread(() -> {
            for (long t = sampleS; t <= seconds; t += sampleS) {
                long due = t0 + TimeUnit.SECONDS.toNanos(t);
                while (System.nanoTime() < due) {
                    sleepUntil(due);
                }
                try {
                    print(sampler.take(t, load.progress()));
                } catch (Exception e) {
                    System.err.println("sample at " + t + " s failed: " + e);
                }
            }
        }, "soak-sampler");
        sampling.setDaemon(true);
        sampling.start();
        load.run(t0, end, rate, slow);
        sampling.join();
        // drain: let the short requests finish, then hang up on the slow ones still open and give the gateway time
        load.drain(System.nanoTime() + TimeUnit.SECONDS.toNanos(15));
        int hungUp = load.hangUpAll();
        Thread.sleep(TimeUnit.SECONDS.toMillis(IDLE_S));
        print(sampler.take(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), "after the load: " + hungUp + " slow requests hung up, then "
                + IDLE_S + " s idle"));

        List<SoakSampler.Sample> loadSamples = sampler.samples().stream()
                .filter(s -> s.t() > 0 && s.t() <= seconds).toList();
        List<SoakSampler.Verdict> verdicts = SoakSampler.judge(loadSamples, warmupS);
        boolean pass = load.failed.get() == 0 && verdicts.stream().allMatch(SoakSampler.Verdict::flat);
        String report = SoakReport.markdown(sampler.samples(), load.outcomes, load.failures, load.failed.get(),
                load.skipped, verdicts, warmupS, pass);
        Files.writeString(out, report);
        System.out.println(report);
        System.out.println(pass ? "PASS" : "FAIL");
        System.exit(pass ? 0 : 1);
    }

    private static void sleepUntil(long due) {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void print(SoakSampler.Sample s) {
        System.out.printf(Locale.ROOT, "sample t=%ds heap_kb=%d threads=%d pooled=%d fds=%d rss_kb=%d cpu_s=%.1f %s%n",
                s.t(), s.heapKb(), s.threads(), s.pooled(), s.fds(), s.rssKb(), s.cpuS(), s.note());
    }

    private String progress() {
        return "answered=" + answered.get() + " failed=" + failed.get() + " open=" + (shortInFlight + slowInFlight);
    }

    private void run(long t0, long end, double rate, int slow) throws IOException {
        long started = 0;
        long slowStarted = 0;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            long due = (long) ((now - t0) / 1e9 * rate);
            while (started < due) {
                started++;
                if (shortInFlight >= MAX_SHORT_IN_FLIGHT) {
                    skipped++;
                    continue;
                }
                start(mix.plan(mix.draw(false)));
            }
            long slowDue = (long) ((now - t0) / 1e9 * SLOW_RAMP_PER_S) + 1;
            while (slowInFlight < slow && slowStarted < slowDue) {
                slowStarted++;
                start(mix.plan(mix.draw(true)));
            }
            poll(now);
        }
    }

    private void drain(long until) throws IOException {
        while (shortInFlight > 0 && System.nanoTime() < until) {
            poll(System.nanoTime());
        }
    }

    private int hangUpAll() throws IOException {
        int n = 0;
        for (SelectionKey key : new ArrayList<>(live)) {
            Conn c = (Conn) key.attachment();
            finish(key, c.plan.kind().slow() ? "hung up at the end" : "FAIL still open at the end");
            n++;
        }
        // a channel registered with a selector is closed for real at the next selection: do it now
        selector.selectNow();
        return n;
    }

    private void start(SoakMix.Plan plan) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(address);
        live.add(ch.register(selector, SelectionKey.OP_CONNECT, new Conn(plan)));
        if (plan.kind().slow()) {
            slowInFlight++;
        } else {
            shortInFlight++;
        }
    }

    private void poll(long now) throws IOException {
        selector.select(5);
        for (SelectionKey key : selector.selectedKeys()) {
            if (key.isValid()) {
                handle(key);
            }
        }
        selector.selectedKeys().clear();
        for (SelectionKey key : new ArrayList<>(live)) {
            Conn c = (Conn) key.attachment();
            long age = now - c.start;
            if (c.plan.hangUpAfterMs() >= 0 && age >= TimeUnit.MILLISECONDS.toNanos(c.plan.hangUpAfterMs())) {
                finish(key, "hung up");
            } else if (age > DEADLINE_NANOS) {
                finish(key, "FAIL no answer within " + TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NANOS) + " s");
            }
        }
    }

    private void handle(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        Conn c = (Conn) key.attachment();
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
                read(key, ch, c);
            }
        } catch (IOException e) {
            if (key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) != 0 && c.len == 0) {
                // the gateway answered and closed before taking the whole body (oversize): read what it said
                key.interestOps(SelectionKey.OP_READ);
                return;
            }
            finish(key, c.len > 0 ? SoakMix.classify(c.in, c.len, c.plan.kind().stream)
                    : "FAIL " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void read(SelectionKey key, SocketChannel ch, Conn c) throws IOException {
        buffer.clear();
        int r = ch.read(buffer);
        if (r < 0) {
            finish(key, SoakMix.classify(c.in, c.len, c.plan.kind().stream));
            return;
        }
        buffer.flip();
        int before = c.len;
        c.append(buffer, r);
        if (c.len > MAX_ANSWER_BYTES) {
            finish(key, "FAIL answer longer than " + MAX_ANSWER_BYTES + " bytes");
        } else if (c.plan.kind().behaviour == SoakMix.Behaviour.DISCONNECT_ON_CONTENT
                && new String(c.in, Math.max(0, before - CONTENT_DELTA.length()),
                        c.len - Math.max(0, before - CONTENT_DELTA.length()), StandardCharsets.ISO_8859_1)
                        .contains(CONTENT_DELTA)) {
            finish(key, "disconnected");
        }
    }

    private void finish(SelectionKey key, String outcome) throws IOException {
        Conn c = (Conn) key.attachment();
        String port = "?";
        try { port = String.valueOf(((java.net.InetSocketAddress) ((SocketChannel) key.channel()).getLocalAddress()).getPort()); } catch (Exception e) { }
        key.cancel();
        key.channel().close();
        live.remove(key);
        if (c.plan.kind().slow()) {
            slowInFlight--;
        } else {
            shortInFlight--;
        }
        String o = outcome.equals("hung up at the end") || c.plan.kind().allowed.contains(outcome) || outcome.startsWith("FAIL")
                ? outcome : "FAIL unexpected " + outcome;
        outcomes.computeIfAbsent(c.plan.kind(), k -> new TreeMap<>()).merge(o.startsWith("FAIL") ? "FAIL" : o, 1L,
                Long::sum);
        answered.incrementAndGet();
        if (o.startsWith("FAIL")) {
            failed.incrementAndGet();
            if (failures.size() < 20) {
                String f = c.plan.kind() + ": " + o + " port=" + port + " len=" + c.len;
                failures.add(f);
                System.err.println(f);
            }
        }
    }
}
