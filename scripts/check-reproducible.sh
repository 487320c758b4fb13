#!/usr/bin/env bash
# Builds clawgate.war twice from the committed HEAD, each time in a fresh clone in its own directory, and compares
# the SHA-256 of the two WARs (and of the two SBOMs). Exit 0 when they are byte-identical, 1 when they differ (the
# entries that differ are listed). Uncommitted changes are not part of the check: commit first.
#
#   scripts/check-reproducible.sh            # uses `mvn` from PATH
#   MVN=/path/to/mvn scripts/check-reproducible.sh
#   KEEP=1 scripts/check-reproducible.sh     # keep the two build directories for inspection
#
# Needs git, Maven 3.8.7+, Java 17 and the dependencies (online, or cached for `MVN_ARGS=-o`). About 2 × 20 s.
set -euo pipefail
cd "$(dirname "$0")/.."

MVN="${MVN:-mvn}"
MVN_ARGS="${MVN_ARGS:-}"
repo="$(pwd)"
commit="$(git rev-parse HEAD)"
work="$(mktemp -d "${TMPDIR:-/tmp}/clawgate-repro.XXXXXX")"
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "note: the work tree has uncommitted changes; checking the committed $commit only" >&2
fi

build() { # build <name>: clone HEAD into $work/<name>, package it, copy the WAR and the SBOM out
  local dir="$work/$1"
  git clone --quiet --no-checkout "$repo" "$dir"
  git -C "$dir" checkout --quiet --detach "$commit"
  echo "build $1: $MVN -B $MVN_ARGS package -DskipTests in $dir"
  # shellcheck disable=SC2086
  (cd "$dir" && "$MVN" -B -q $MVN_ARGS package -DskipTests) > "$work/$1.log" 2>&1 \
    || { tail -40 "$work/$1.log" >&2; echo "build $1 failed (log: $work/$1.log)" >&2; KEEP=1; exit 2; }
  cp "$dir/target/clawgate.war" "$work/$1.war"
  cp "$dir"/target/clawgate-*.cdx.json "$work/$1.cdx.json"
}

build first
build second

war1="$(sha256sum < "$work/first.war" | cut -d' ' -f1)"
war2="$(sha256sum < "$work/second.war" | cut -d' ' -f1)"
bom1="$(sha256sum < "$work/first.cdx.json" | cut -d' ' -f1)"
bom2="$(sha256sum < "$work/second.cdx.json" | cut -d' ' -f1)"
echo "commit  $commit"
echo "first   clawgate.war sha256=$war1  sbom sha256=$bom1"
echo "second  clawgate.war sha256=$war2  sbom sha256=$bom2"

if [ "$war1" = "$war2" ] && [ "$bom1" = "$bom2" ]; then
  echo "reproducible: the two builds are byte-identical"
  exit 0
fi
echo "NOT reproducible: the builds differ" >&2
mkdir -p "$work/x1" "$work/x2"
(cd "$work/x1" && unzip -q ../first.war) && (cd "$work/x2" && unzip -q ../second.war)
diff -rq "$work/x1" "$work/x2" >&2 || true
unzip -Z -T "$work/first.war" > "$work/first.list"; unzip -Z -T "$work/second.war" > "$work/second.list"
diff "$work/first.list" "$work/second.list" >&2 || true
KEEP=1
exit 1
