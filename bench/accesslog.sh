#!/usr/bin/env bash
# CPU cost per request of the access log (bench/NOTES.md, "Access log"): RequestLog.add on the request thread, the
# log thread's own part, and the container's JUL handlers (FileHandler, ConsoleHandler) stated separately. One JVM,
# no network. Usage: bench/accesslog.sh [N=300000]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-300000}"
flock /tmp/clawgate-mvn.lock mvn -B -q -o test-compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
flock /tmp/clawgate-mvn.lock mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
timeout 600 java -Xmx256m -Djava.util.logging.config.file=/dev/null \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" dev.clawgate.bench.AccessLogBench "$N"
