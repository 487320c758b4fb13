package dev.clawgate.bench;

import dev.clawgate.events.RequestRecord;
import dev.clawgate.metrics.RequestLog;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The cost of the access log ({@code bench/accesslog.sh}), in CPU time of the threads involved, per request:
 * <ol>
 *   <li>on the request thread: {@link RequestLog#add} (format the line, build the record, queue it), logfmt and
 *       json;</li>
 *   <li>on the {@code clawgate-access-log} thread: taking the record and {@code Logger.log} with only a counting
 *       handler attached (our part of the publishing);</li>
 *   <li>the container's part, stated separately: one {@code Handler.publish} of such a record by JUL's
 *       {@code FileHandler} and {@code ConsoleHandler} with {@code SimpleFormatter} (what Jetty's and Tomcat's
 *       defaults do: format, then a synchronized write; console to /dev/null here).</li>
 * </ol>
 * Arguments: N [300000] requests per measured round (after one warm-up round).
 */
public final class AccessLogBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final RequestRecord RECORD = new RequestRecord("req_al8qjgBmRdKxaBDe6fe9KUsX", "main", "user",
            true, 200, "ok", null, 14_000_000L, 13_000_000L, 31, 212, "operator", "operator", null,
            "0af7651916cd43dd8448eb211c80319c", "ollama/llama3.2", null);

    /** Counts what the log thread published (a drop would flatter the figures). */
    private static final java.util.concurrent.atomic.AtomicLong PUBLISHED = new java.util.concurrent.atomic.AtomicLong();
    private static final Handler COUNT = new Handler() {
        @Override
        public void publish(LogRecord record) {
            PUBLISHED.incrementAndGet();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private AccessLogBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        Logger access = Logger.getLogger("dev.clawgate.access");
        access.setUseParentHandlers(false);
        for (Handler h : access.getHandlers()) {
            access.removeHandler(h);
        }
        access.setLevel(Level.INFO);
        access.addHandler(COUNT);
        System.out.printf("%-44s %12s%n", "what (per request)", "cpu_ns");
        for (boolean json : new boolean[] {false, true}) {
            addOnRequestThread(n, json, false);
            addOnRequestThread(n, json, true);
        }
        Path dir = Files.createTempDirectory("clawgate-accesslog-bench");
        FileHandler file = new FileHandler(dir.resolve("access.log").toString(), 50_000_000, 2, true);
        file.setFormatter(new SimpleFormatter());
        handler("container: FileHandler + SimpleFormatter", file, n);
        PrintStream err = System.err;
        try (PrintStream devNull = new PrintStream(new FileOutputStream("/dev/null"), false)) {
            System.setErr(devNull);
            ConsoleHandler console = new ConsoleHandler();
            console.setFormatter(new SimpleFormatter());
            handler("container: ConsoleHandler + SimpleFormatter", console, n);
        } finally {
            System.setErr(err);
            file.close();
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void addOnRequestThread(int n, boolean json, boolean print) throws Exception {
        RequestLog log = new RequestLog(Clock.systemUTC(), json);
        Thread writer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("clawgate-access-log")).findFirst().orElseThrow();
        PUBLISHED.set(0);
        long writerStart = THREADS.getThreadCpuTime(writer.getId());
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            log.add(RECORD);
            if ((i & 1023) == 0) {
                Thread.yield(); // let the log thread keep up on a small machine, as requests arrive spread out
            }
        }
        long requestThread = THREADS.getCurrentThreadCpuTime() - start;
        long writerCpu = THREADS.getThreadCpuTime(writer.getId()) - writerStart;
        log.close();
        if (PUBLISHED.get() != n) {
            System.out.println("  (" + (n - PUBLISHED.get()) + " of " + n + " lines dropped: figures not valid)");
        }
        if (print) {
            String f = json ? "json" : "logfmt";
            System.out.printf("%-44s %12d%n", "RequestLog.add, request thread, " + f, requestThread / n);
            System.out.printf("%-44s %12d%n", "log thread (no handler), " + f, writerCpu / n);
        }
    }

    private static void handler(String name, Handler h, int n) {
        LogRecord r = new LogRecord(Level.INFO, "time=2026-11-30T20:26:10.874Z request_id=req_al8qjgBmRdKxaBDe6fe9KUsX"
                + " trace_id=0af7651916cd43dd8448eb211c80319c caller=operator agent=main model=ollama/llama3.2"
                + " session=user stream=true status=200 outcome=ok error= duration_ms=14 ttft_ms=13 prompt_tokens=31"
                + " completion_tokens=212");
        r.setLoggerName("dev.clawgate.access");
        r.setSourceClassName("dev.clawgate.access");
        r.setSourceMethodName("chat");
        int rounds = Math.max(1, n / 10);
        for (int i = 0; i < rounds; i++) {
            h.publish(r); // warm-up
        }
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < rounds; i++) {
            h.publish(r);
        }
        System.out.printf("%-44s %12d%n", name, (THREADS.getCurrentThreadCpuTime() - start) / rounds);
    }
}
