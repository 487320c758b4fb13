#!/usr/bin/env bash
# clawgate fuzzing: the longer, bounded Jazzer run of every fuzz test (docs/FUZZING.md). 127.0.0.1 is not even used.
#
#   bench/fuzz.sh                 # every target, FUZZ_DURATION each (default 4m): about 17 minutes in all
#   FUZZ_DURATION=30s bench/fuzz.sh
#   bench/fuzz.sh 'ChatRequestParserFuzzTest'    # one target (a -Dtest pattern)
#
# Each target is one Maven run (through /tmp/clawgate-mvn.lock, so no other build shares the 2 cores) of the `fuzz`
# surefire execution with JAZZER_FUZZ=1: libFuzzer mutates the checked-in seeds (src/test/resources/**/
# *FuzzTestInputs/) plus what earlier runs kept in .cifuzz-corpus/ (git-ignored), with our classes and Parsson
# instrumented. A finding stops that target and is written as crash-<sha1> into its Inputs directory, where plain
# `mvn test` replays it from then on (fix the code, then rename the file after what it shows). A summary line per
# target goes to bench/target/fuzz/summary.txt; the full logs beside it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/bench/target/fuzz
DURATION=${FUZZ_DURATION:-4m}
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(
    'ChatRequestParserFuzzTest'
    'UpstreamStreamFuzzTest#anyUpstreamStreamGivesDeltasOrOneDocumentedError'
    'UpstreamStreamFuzzTest#anyDataPayloadGivesDeltasOrA502'
    'JsonConfigFileFuzzTest'
  )
fi
LOCK=(flock /tmp/clawgate-mvn.lock)
mkdir -p "$OUT"
cd "$ROOT"
"${LOCK[@]}" mvn -B -q -o test-compile || "${LOCK[@]}" mvn -B -q test-compile
: > "$OUT/summary.txt"
touch "$OUT/.started"
status=0
for target in "${TARGETS[@]}"; do
  log="$OUT/$(echo "$target" | tr '#' '.').log"
  echo "fuzzing $target for $DURATION (log: $log)"
  set +e
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$DURATION" JAZZER_INSTRUMENT='dev.clawgate.**,org.eclipse.parsson.**' \
    "${LOCK[@]}" mvn -B -o surefire:test@fuzz -Dtest="$target" > "$log" 2>&1
  rc=$?
  set -e
  done_line=$(grep -a -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  runs=$(grep -a -E '^Done [0-9]+ runs' "$log" | tail -1 || true)
  finding=$(grep -a -m1 -o 'FuzzTestFindingException: .*' "$log" | cut -c1-200 || true)
  line="$target | rc=$rc | ${runs:-no run line} | ${done_line:-} | ${finding:-no finding}"
  echo "$line" | tee -a "$OUT/summary.txt"
  [ $rc -eq 0 ] || status=1
done
find src/test/resources -name 'crash-*' -newer "$OUT/.started" -print | sed 's/^/new finding: /' | tee -a "$OUT/summary.txt"
exit $status
