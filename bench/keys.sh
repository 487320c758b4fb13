#!/usr/bin/env bash
# Added cost per request of a client key (auth lookup + request bucket + token quota + headers + charge) over the
# operator secret, in memory (docs/BENCHMARKS.md, "Client keys and quotas"). One JVM, no network.
# Usage: bench/keys.sh [ROUNDS=7] [ITERATIONS=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
flock /tmp/clawgate-mvn.lock mvn -B -q test-compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
flock /tmp/clawgate-mvn.lock mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
timeout 600 java -Xmx256m -Djava.util.logging.config.file=/dev/null \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" dev.clawgate.bench.KeyAuthBench "${1:-7}" "${2:-1000000}"
