#!/usr/bin/env python3
"""Summarises CPU samples of the gateway as text: a JFR recording (bench/run.sh with BENCH_JFR=1) or async-profiler's
collapsed stacks (bench/run.sh with BENCH_ASPROF=<libasyncProfiler.so>, run with `threads` so the first frame of each
stack is the thread's name).

    bench/profile-top.py bench/target/run/gateway.jfr [top=25] [thread-prefix ...]
    bench/profile-top.py bench/target/run/profile.collapsed [top=25] [thread-prefix ...]

A recording is read with `jfr print --json --events jdk.ExecutionSample` (the JDK's own tool). Prints, as shares of
all samples:
  - self: the top frame of each sample, by method;
  - inclusive: every method on a sample's stack (counted once per sample), by method;
  - areas: each sample charged to the first (innermost) frame that belongs to a known area (gateway code by package,
    Jetty client, Jetty server, JSON-P, JDK I/O...), so the areas add up to 100%;
  - threads: samples per thread-name prefix (digits stripped).
Only samples of threads whose name starts with one of the given prefixes are counted, when prefixes are given.
"""
import collections
import json
import re
import subprocess
import sys

AREAS = [
    ("clawgate upstream (SSE parse, chunk decode, run)", "dev.clawgate.upstream."),
    ("clawgate http (sinks, writer, servlet)", "dev.clawgate.http."),
    ("clawgate openai (wire JSON, request parse)", "dev.clawgate.openai."),
    ("clawgate agent (run, attempts, reply)", "dev.clawgate.agent."),
    ("clawgate other (auth, limits, metrics, log)", "dev.clawgate."),
    ("JSON-P (Parsson)", "org.eclipse.parsson."),
    ("Jetty client", "org.eclipse.jetty.client."),
    ("Jetty server / servlet", "org.eclipse.jetty.server.", "org.eclipse.jetty.ee10."),
    ("Jetty HTTP parser/generator, fields", "org.eclipse.jetty.http."),
    ("Jetty I/O (selector, endpoints, buffers)", "org.eclipse.jetty.io."),
    ("Jetty util (threads, callbacks, tries)", "org.eclipse.jetty.util."),
    ("Tomcat", "org.apache."),
    ("JDK NIO / sockets", "sun.nio.", "java.nio.", "sun.net."),
    ("kernel and libc (syscalls, scheduler)", "[k]", "__", "entry_", "do_", "sys_", "tcp_", "ip_", "sock_",
     "epoll", "futex", "schedule", "write", "read", "send", "recv"),
    ("JDK concurrency (locks, park/unpark)", "java.util.concurrent.", "jdk.internal.misc.Unsafe"),
    ("JDK strings and collections", "java.lang.String", "java.util.", "java.lang.AbstractStringBuilder",
     "java.lang.StringBuilder", "java.lang.StringLatin1", "java.lang.StringUTF16", "java.lang.Integer",
     "java.lang.Long"),
    ("JDK logging", "java.util.logging."),
    ("JVM (GC, JIT, runtime)", "G1", "JVM", "Compile", "C2", "C1", "Interpreter", "SafepointSynchronize",
     "ObjectMonitor", "OptoRuntime", "SharedRuntime", "Thread", "Java", "os::", "Unsafe_", "jni_"),
]


def area(frames):
    for f in frames:
        for name, *prefixes in AREAS:
            if any(f.startswith(p) for p in prefixes):
                return name
    return "other (" + (frames[0].rsplit(".", 1)[0] if frames else "?") + ")"



def jfr_samples(path):
    """(thread, frames innermost first, weight) per JFR execution sample."""
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", path],
                         check=True, capture_output=True, text=True).stdout
    for e in json.loads(raw)["recording"]["events"]:
        v = e["values"]
        thread = (v.get("sampledThread") or {}).get("javaName") or "?"
        frames = []
        for fr in (v.get("stackTrace") or {}).get("frames", []):
            m = fr["method"]
            frames.append((m["type"]["name"] + "." + m["name"]).replace("/", "."))
        yield thread, frames, 1


def collapsed_samples(path):
    """(thread, frames innermost first, weight) per line of async-profiler's collapsed output (`threads` on)."""
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            stack, _, count = line.rpartition(" ")
            frames = stack.split(";")
            thread = frames[0].strip("[]") if frames and frames[0].startswith("[") else "?"
            if frames and frames[0].startswith("["):
                frames = frames[1:]
            frames = ["[k] " + fr[:-4] if fr.endswith("_[k]") else re.sub(r"_\[[a-z0-9]\]$", "", fr).replace("/", ".")
                      for fr in reversed(frames)]
            yield thread, frames, int(count)


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    prefixes = sys.argv[3:]
    self_count = collections.Counter()
    incl = collections.Counter()
    areas = collections.Counter()
    threads = collections.Counter()
    n = 0
    for thread, frames, w in (jfr_samples(path) if path.endswith(".jfr") else collapsed_samples(path)):
        if prefixes and not any(thread.startswith(p) for p in prefixes):
            continue
        if not frames:
            continue
        n += w
        group = re.sub(r" tid=\d+$", "", re.sub(r"[0-9a-f]{6,}", "", thread))
        threads[re.sub(r"[-@ ]?\d+$", "", group)] += w
        self_count[frames[0]] += w
        for f in set(frames):
            incl[f] += w
        areas[area(frames)] += w
    if n == 0:
        print("no samples")
        return
    print(f"samples: {n}" + (f" (threads {' '.join(prefixes)})" if prefixes else ""))
    for title, counter, k in (("areas (innermost known frame)", areas, 40), ("self (top frame)", self_count, top),
                              ("inclusive (on the stack)", incl, top), ("threads", threads, 12)):
        print(f"\n{title}:")
        for name, c in counter.most_common(k):
            print(f"  {100.0 * c / n:5.1f}%  {c:6d}  {name}")


if __name__ == "__main__":
    main()
