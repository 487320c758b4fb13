#!/usr/bin/env bash
# Cost per request of Redis-backed limits and sessions vs in-memory state (docs/BENCHMARKS.md, "Redis-backed state").
# Starts its own redis-server (loopback, free port, no persistence) and two embedded gateways (memory, Redis) in one
# JVM, sends N requests per case sequentially and from C clients, prints latency and CPU per request, stops everything.
# Usage: bench/redis.sh [N=2000] [C=8]      Needs redis-server (apt-get install -y redis-server). 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-2000}"
C="${2:-8}"
command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }
flock /tmp/clawgate-mvn.lock mvn -B -q test-compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
flock /tmp/clawgate-mvn.lock mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
timeout 600 java -Xmx512m -Djava.util.logging.config.file=/dev/null -Dorg.eclipse.jetty.LEVEL=WARN \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" dev.clawgate.bench.RedisBench "$N" "$C" 2>/dev/null
