#!/usr/bin/env bash
# clawgate soak: ONE command, bounded in time (SOAK_SECONDS of load [600] plus about a minute), 127.0.0.1 only.
#
#   bench/soak.sh
#   MVN=/path/to/mvn SOAK_SECONDS=600 SOAK_CONTAINER=tomcat bench/soak.sh
#
# Builds the WAR and the bench tools (`$MVN`, default `mvn`), fetches the container from Maven Central (Jetty 12.0.30,
# or Tomcat 11.0.24 with SOAK_CONTAINER=tomcat), deploys the packaged WAR in it with -Xmx512m next to two local
# OpenAI-compatible upstreams (bench/src/.../BenchUpstream: a fast one, and a slow one pacing each word), with a small
# request rate limit, a 64 KiB body limit and the metrics endpoint on. Then SoakLoad drives a fixed mix for
# SOAK_SECONDS at SOAK_RATE requests/s plus SOAK_SLOW slow requests held open: streaming and non-streaming, echo and
# upstream, stateless and with a `user` session, clients that disconnect mid-stream or hang up before a non-streaming
# answer, an over-limit client (429), oversize bodies (413), bad JSON (400), wrong tokens (401, and one client locked
# out: 429). Every answer must be the expected JSON or SSE (never a 5xx, never HTML). Every SOAK_SAMPLE_SECONDS it
# samples the container: heap after a full GC (jcmd), live threads, open files, RSS, CPU. At the end it judges
# flatness (last third vs first third after SOAK_WARMUP_SECONDS), prints PASS or FAIL with the numbers, and writes the
# "## Soak" section of docs/BENCHMARKS.md (kept in bench/SOAK.md, which bench/run.sh carries along). Raw output in
# bench/target/soak/. Every process it starts is stopped on exit. Exit status 0 on PASS, 1 on FAIL.
#
# Knobs (environment): SOAK_SECONDS [600]; SOAK_RATE [100] paced requests per second; SOAK_SLOW [200] slow requests
# held open (about 30 s each); SOAK_SAMPLE_SECONDS [30]; SOAK_WARMUP_SECONDS [60]; SOAK_CONTAINER [jetty] or tomcat;
# SOAK_MAX_THREADS [32] the container's request thread pool; SOAK_SKIP_BUILD=1 reuses the last build; MVN [mvn].
# Needs: Java 17+ (with jcmd), Maven, unzip, curl.
#
# With SOAK_CONTAINER=tomcat the figures go to bench/SOAK-tomcat.md and the "## Soak on Tomcat" section.
# (Before 2026-11-30's fix, Tomcat wedged within about 20 s: refusals sent before the body was read left Tomcat to
# swallow the unsent body with a blocking read on the request thread; such answers now close the connection, see
# http/UnreadBody.)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/bench/target/soak
LOAD_SECONDS=${SOAK_SECONDS:-600}
RATE=${SOAK_RATE:-100}
SLOW=${SOAK_SLOW:-200}
SAMPLE_S=${SOAK_SAMPLE_SECONDS:-30}
WARMUP_S=${SOAK_WARMUP_SECONDS:-60}
CONTAINER=${SOAK_CONTAINER:-jetty}
MAX_THREADS=${SOAK_MAX_THREADS:-32}
MVN=${MVN:-mvn}
GW_PORT=18280
UP_PORT=18291
SLOW_PORT=18292
SLOW_WORD_MS=1500
ECHO_WORD_MS=100
MAX_BODY=65536
RPM=120
BURST=10
MAX_TRANSCRIPT=12
TOMCAT_VERSION=11.0.24
JETTY_VERSION=12.0.30
TOKEN=soak-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
TEXT="hello from the clawgate soak, a prompt of twenty words that the slow upstream answers one word every second and a half"
PIDS=()

ulimit -n 20000
T_START=$(date +%s)
log() { printf '[%4ss] %s\n' $(( $(date +%s) - T_START )) "$*" >&2; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do timeout 20 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

for port in $GW_PORT $UP_PORT $SLOW_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then log "port $port is in use on 127.0.0.1"; exit 2; fi
done

# ---------------------------------------------------------------- build
rm -rf "$WORK"; mkdir -p "$WORK"
if [ "${SOAK_SKIP_BUILD:-0}" != 1 ]; then
  log "building the WAR and the bench tools ($MVN)"
  (cd "$ROOT" && "$MVN" -B -q package -DskipTests)
  (cd "$ROOT" && "$MVN" -B -q -f bench/pom.xml package dependency:copy-dependencies -DincludeScope=runtime)
fi
case $CONTAINER in
  tomcat) ARTIFACT=org.apache.tomcat:tomcat:$TOMCAT_VERSION:zip; ZIP=$ROOT/bench/target/tomcat-$TOMCAT_VERSION.zip
          CONTAINER_NAME="Tomcat $TOMCAT_VERSION (NIO connector, maxThreads=$MAX_THREADS)" ;;
  jetty)  ARTIFACT=org.eclipse.jetty:jetty-home:$JETTY_VERSION:zip; ZIP=$ROOT/bench/target/jetty-home-$JETTY_VERSION.zip
          CONTAINER_NAME="Jetty $JETTY_VERSION (ee10, http module, maxThreads=$MAX_THREADS)" ;;
  *) echo "SOAK_CONTAINER must be jetty or tomcat" >&2; exit 2 ;;
esac
[ -f "$ZIP" ] || (cd "$ROOT" && "$MVN" -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact=$ARTIFACT -DoutputDirectory="$ROOT/bench/target")
BENCH_CP="$ROOT/bench/target/clawgate-bench.jar:$(ls "$ROOT"/bench/target/dependency/*.jar | tr '\n' ':')"

# ---------------------------------------------------------------- the gateway's settings, as an operator sets them
PARAMS=(gateway.http.endpoints.chatCompletions.enabled=true "gateway.auth.token=$TOKEN"
  gateway.trustedProxies=127.0.0.1
  "gateway.http.rateLimit.requestsPerMinute=$RPM" "gateway.http.rateLimit.burst=$BURST"
  "gateway.http.maxBodyBytes=$MAX_BODY" "gateway.state.maxTranscriptMessages=$MAX_TRANSCRIPT"
  gateway.metrics.enabled=true
  agents.main.model=echo/echo "models.providers.echo.wordDelayMs=$ECHO_WORD_MS"
  "models.providers.bench.baseUrl=http://127.0.0.1:$UP_PORT/v1" agents.up.model=bench/m
  "models.providers.slow.baseUrl=http://127.0.0.1:$SLOW_PORT/v1" agents.slow.model=slow/m)

# ---------------------------------------------------------------- container
unzip -q "$ZIP" -d "$WORK"
if [ "$CONTAINER" = tomcat ]; then
  export CATALINA_HOME=$WORK/apache-tomcat-$TOMCAT_VERSION
  export CATALINA_BASE=$WORK/base
  chmod +x "$CATALINA_HOME"/bin/*.sh
  mkdir -p "$CATALINA_BASE"/{conf/Catalina/localhost,webapps,logs,temp,work}
  cp -r "$CATALINA_HOME"/conf/. "$CATALINA_BASE/conf/"
  cat > "$CATALINA_BASE/conf/server.xml" <<EOF
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="$GW_PORT" address="127.0.0.1" protocol="org.apache.coyote.http11.Http11NioProtocol"
               maxThreads="$MAX_THREADS" minSpareThreads="4" maxConnections="20000"
               acceptCount="4096" connectionTimeout="60000" maxKeepAliveRequests="-1"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false">
        <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="access" suffix=".log" pattern="%{remote}p %s %b %D %r"/>
      </Host>
    </Engine>
  </Service>
</Server>
EOF
  cp "$ROOT/target/clawgate.war" "$CATALINA_BASE/webapps/ROOT.war"
  { echo "<Context>"
    for kv in "${PARAMS[@]}"; do echo "  <Parameter name=\"${kv%%=*}\" value=\"${kv#*=}\" override=\"false\"/>"; done
    echo "</Context>"; } > "$CATALINA_BASE/conf/Catalina/localhost/ROOT.xml"
else
  export JETTY_HOME=$WORK/jetty-home-$JETTY_VERSION
  JETTY_BASE=$WORK/jetty-base
  mkdir -p "$JETTY_BASE"
  (cd "$JETTY_BASE" && java -jar "$JETTY_HOME/start.jar" --add-modules=http,ee10-deploy >/dev/null 2>&1)
  cp "$ROOT/target/clawgate.war" "$WORK/clawgate.war"
  { echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">'
    echo '<Configure class="org.eclipse.jetty.ee10.webapp.WebAppContext">'
    echo "  <Set name=\"contextPath\">/</Set><Set name=\"war\">$WORK/clawgate.war</Set>"
    for kv in "${PARAMS[@]}"; do echo "  <Call name=\"setInitParameter\"><Arg>${kv%%=*}</Arg><Arg>${kv#*=}</Arg></Call>"; done
    echo '</Configure>'; } > "$JETTY_BASE/webapps/clawgate.xml"
fi

start_upstream() { # <port> <delayMs>
  (exec java -Xmx128m -XX:+UseSerialGC -cp "$BENCH_CP" dev.clawgate.bench.BenchUpstream "$1" "echo: $TEXT" "$2" \
    >>"$WORK/upstream-$1.out" 2>&1) &
  PIDS+=("$!")
  for _ in $(seq 1 60); do
    grep -q listening "$WORK/upstream-$1.out" 2>/dev/null && return
    sleep 0.25
  done
  log "upstream on $1 did not start"; exit 1
}
start_upstream "$UP_PORT" 0
start_upstream "$SLOW_PORT" "$SLOW_WORD_MS"

JVM="-Xms512m -Xmx512m -XX:+UseG1GC -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=$WORK"
if [ "$CONTAINER" = tomcat ]; then
  CATALINA_OPTS="$JVM" "$CATALINA_HOME/bin/catalina.sh" run >>"$WORK/container.out" 2>&1 &
else
  (cd "$JETTY_BASE" && exec java $JVM -jar "$JETTY_HOME/start.jar" jetty.http.host=127.0.0.1 jetty.http.port=$GW_PORT \
    jetty.http.acceptQueueSize=4096 jetty.threadPool.maxThreads=$MAX_THREADS jetty.threadPool.minThreads=4 \
    >>"$WORK/container.out" 2>&1) &
fi
TPID=$!
PIDS+=("$TPID")
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$GW_PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$GW_PORT/healthz" >/dev/null || { log "$CONTAINER did not start; see $WORK/container.out"; exit 1; }
log "$CONTAINER up (pid $TPID)"
for model in openclaw openclaw:up; do
  curl -sf "http://127.0.0.1:$GW_PORT/v1/chat/completions" -H "Authorization: Bearer $TOKEN" \
    -H 'X-Forwarded-For: 10.0.1.1' -H 'Content-Type: application/json' \
    -d "{\"model\":\"$model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" >/dev/null \
    || { log "the gateway did not answer $model"; exit 1; }
done

# ---------------------------------------------------------------- the soak
LOAD_START=$(cat /proc/loadavg)
DATE=$(date -u +%Y-%m-%d)
log "soak: ${LOAD_SECONDS}s at ${RATE} requests/s plus ${SLOW} slow requests held open; a sample every ${SAMPLE_S}s"
set +e
java -Xmx256m -XX:+UseSerialGC -cp "$BENCH_CP" dev.clawgate.bench.SoakLoad "$GW_PORT" "$TOKEN" "$TPID" \
  "$LOAD_SECONDS" "$RATE" "$SLOW" "$SAMPLE_S" "$WARMUP_S" "$MAX_BODY" "$WORK/figures.md" 2>"$WORK/failures.txt" \
  | tee "$WORK/soak.out" | grep --line-buffered -E '^(sample|PASS|FAIL)' >&2
RC=${PIPESTATUS[0]}
set -e
LOAD_END=$(cat /proc/loadavg)
[ -s "$WORK/figures.md" ] || { log "the load driver wrote no figures (exit $RC); see $WORK/soak.out"; exit 1; }
metric() { # <name>: the sum of a metric's series on /metrics
  curl -sf "http://127.0.0.1:$GW_PORT/metrics" -H "Authorization: Bearer $TOKEN" \
    | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%d", s }'
}
OPEN_STREAMS=$(metric clawgate_open_streams)
CANCELLED=$(metric clawgate_cancelled_runs_total)
RATE_LIMITED=$(metric clawgate_rate_limited_total)
LOCKOUTS=$(metric clawgate_auth_lockouts_total)
SEVERE=$(grep -cE 'OutOfMemoryError|StackOverflowError|SEVERE|ERROR' "$WORK/container.out" || true)

# ---------------------------------------------------------------- report
VERDICT=FAIL; [ "$RC" = 0 ] && VERDICT=PASS
SECTION="## Soak"; OUT="$ROOT/bench/SOAK.md"
[ "$CONTAINER" = tomcat ] && { SECTION="## Soak on Tomcat"; OUT="$ROOT/bench/SOAK-tomcat.md"; }
cat > "$OUT" <<EOF
$SECTION

${LOAD_SECONDS} s of mixed load on the packaged WAR in a real container, looking for anything that grows: heap after
GC, live threads, open files (issue 11). One command, bounded (the load plus about a minute, and the build); it starts
everything on 127.0.0.1, stops it on exit, and exits 0 on PASS:

\`\`\`
bench/soak.sh                         # SOAK_SECONDS [600], SOAK_RATE [100], SOAK_SLOW [200], SOAK_CONTAINER [jetty]
\`\`\`

Measured $DATE on the 2-core build machine: $CONTAINER_NAME, \`-Xms512m -Xmx512m -XX:+UseG1GC\`,
Java $(java -version 2>&1 | head -1 | sed -E 's/.*"([^"]+)".*/\1/'). Load average $(cut -d' ' -f1-3 <<<"$LOAD_START") at the start and
$(cut -d' ' -f1-3 <<<"$LOAD_END") at the end (whatever else ran on the two cores shows there); the soak's own load is
moderate and fixed rather than saturating, and the verdict is about flatness, not speed.

Set-up: the gateway with auth on, \`gateway.trustedProxies=127.0.0.1\` (clients are told apart by
\`X-Forwarded-For\`), a rate limit of $RPM requests per minute and burst $BURST per client address,
\`gateway.http.maxBodyBytes=$MAX_BODY\` (so oversize bodies are cheap), \`gateway.state.maxTranscriptMessages=$MAX_TRANSCRIPT\`
(so the 100 \`user\` sessions reach their cap in the first minutes and stay there), the echo agent pacing
$ECHO_WORD_MS ms per word (about 1 s per answer), an agent on a fast local upstream (BenchUpstream) and one on a slow
one ($SLOW_WORD_MS ms per word, about 30 s per answer); everything else at its default (lockout 10 wrong tokens per
minute, \`disconnectCheckMs\` 1000). The load driver (\`bench/src/.../SoakLoad\`, one NIO thread, every request on a
new connection with \`Connection: close\`) sends $RATE requests/s on a fixed schedule, drawn at random (fixed seed)
from this mix:

| share | request |
|---:|---|
| 30% | echo agent, stateless, streaming or not (15% each) |
| 16% | echo agent with a \`user\` session (one of 100), streaming or not |
| 20% | fast-upstream agent, stateless, streaming or not |
| 8% | fast-upstream agent with a \`user\` session, streaming or not |
| 5% | echo stream, the client disconnects at the first content delta |
| 5% | echo non-streaming with a \`user\` session, the client hangs up after 0.2–0.6 s (before the answer) |
| 6% | one over-limit client address (≈6 requests/s against $RPM/min): 200 or 429 \`rate_limit_exceeded\` |
| 3% | oversize body: 2% declare \`Content-Length\` $((MAX_BODY + 4096)) and send nothing more, 1% chunked past $MAX_BODY bytes: 413 |
| 3% | bad JSON (a body cut short): 400 |
| 3% | wrong token from loopback (exempt from the lockout): 401 |
| 1% | wrong token from one address that gets locked out: 401, then 429 \`auth_lockout\` |

and beside it keeps $SLOW slow requests open on the slow-upstream agent (ramped at 20/s): 70% streams read to the end,
5% the same with a \`user\` session, 15% streams the client disconnects from after 3–20 s, 7% non-streaming with a
\`user\` session whose client hangs up after 1–5 s, 3% non-streaming read to the end (≈30 s).

How to read it: the heap after a full GC is what the gateway and the container hold (the sessions, limiter buckets and
lockout entries reach their caps in the first minute; the rest follows the requests open). Open files are mostly
connections (every slow request holds one from its client and one to the upstream), so they follow the number of
requests open, not time. Threads are split: the pools that size themselves to the load — the container's request
pool (at most $MAX_THREADS), each upstream client's (at most 8) and the store executor (at most 2) — move with bursts
and are bounded by configuration, so the verdict judges the threads outside them, which must not grow at all. RSS is
shown, not judged: the heap is committed at 512 MB (\`-Xms\`) and G1 touches its regions in the first minutes.

$(cat "$WORK/figures.md")

From the gateway's \`/metrics\` at the end: runs cancelled because the client went away
\`clawgate_cancelled_runs_total\` = $CANCELLED (the hang-ups the gateway saw before the run ended: an echo answer takes
about 1.1 s and a non-streaming connection is checked once a second, so many echo hang-ups finish first), \`clawgate_rate_limited_total\` = $RATE_LIMITED,
\`clawgate_auth_lockouts_total\` = $LOCKOUTS, SSE streams still open \`clawgate_open_streams\` = $OPEN_STREAMS. Lines
with \`OutOfMemoryError\`, \`StackOverflowError\`, \`SEVERE\` or \`ERROR\` in the container's log: $SEVERE.
EOF
# replace the "## Soak" section of docs/BENCHMARKS.md (up to the next "## " heading), or append it
python3 - "$ROOT/docs/BENCHMARKS.md" "$OUT" "$SECTION" <<'PY'
import re, sys
doc, section = open(sys.argv[1]).read(), open(sys.argv[2]).read()
pattern = re.compile(r"^" + re.escape(sys.argv[3]) + r"\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(doc):
    doc = pattern.sub(lambda m: section + "\n", doc, count=1).rstrip("\n") + "\n"
else:
    doc = doc.rstrip("\n") + "\n\n" + section
open(sys.argv[1], "w").write(doc)
PY
log "$VERDICT in $(( $(date +%s) - T_START ))s: the '$SECTION' section of docs/BENCHMARKS.md ($OUT), raw output in $WORK"
exit "$RC"
