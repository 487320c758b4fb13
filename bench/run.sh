#!/usr/bin/env bash
# clawgate benchmark: ONE command, bounded in time (about 12-14 minutes), 127.0.0.1 only.
#
#   bench/run.sh
#
# Builds the WAR and the bench tools (Maven, through /tmp/clawgate-mvn.lock), fetches the containers from Maven
# Central (Jetty 12.0.30 and Tomcat 11.0.24), and starts in each, one after the other, the gateway (context /, auth on
# with a random token, rate limit off, endpoint on, -Xmx512m, a request thread pool of 32) next to the "floor" (a bare
# async servlet answering the echo agent's bytes, context /floor), with fast local OpenAI-compatible upstreams
# (bench/src/.../BenchUpstream). In each container it measures, in this order:
#   1. throughput and p50/p99 latency (wrk + bench/lua/post.lua) at concurrency 1, 16, 64, 256, non-streaming and
#      streaming, for the floor, the echo agent, the upstream agent and the upstream called directly, with the
#      gateway's CPU time per request from /proc/<pid>/stat (also without the JIT compiler threads); then the relay
#      cell: streams of 1,000 chunks through the gateway (CPU per relayed chunk);
#   2. added latency: direct-to-upstream vs through the gateway, sequential, interleaved rounds (AddedLatency);
#   3. time to the role chunk and to the first content delta (SseProbe);
#   4. memory per stored session (unique `user` per request, heap after GC before/after);
#   5. 2,000 concurrent 4-s streams through the gateway, then the same streams called directly (StreamHold): the time
#      until all are done, through the gateway over direct.
# Then, in the first container only, after a restart with paced streams:
#   6. 10,000 slow SSE streams on the echo agent, then 5,000 through a slow upstream (StreamHold): heap after GC, live
#      threads, RSS, every stream completes, each within 1.5 x its length.
# Writes docs/BENCHMARKS.md (figures + ratio to the goals of issues 6 and 13 for each container; the notes come from
# bench/NOTES.md) and leaves raw output under bench/target/run/. Every process it starts is stopped on exit.
#
# Knobs (environment): BENCH_DURATION [5] seconds per wrk measurement; BENCH_WARMUP [3] seconds of warm-up per
# target and mode (the JIT compiles for ~20 s after a start: use 15-20 for a quick check of one change);
# BENCH_STREAMS [10000]; BENCH_UPSTREAM_STREAMS [5000]; BENCH_STREAM_SECONDS [30] length of a slow stream;
# BENCH_BURST_STREAMS [2000] streams of phase 5; BENCH_CONTAINERS ["jetty tomcat"] the containers, in order
# (BENCH_CONTAINER=x is the same as BENCH_CONTAINERS=x); BENCH_MAX_THREADS [32] the containers' request thread pool;
# BENCH_JFR=1 records a JFR profile of the gateway during the throughput phase (bench/target/run/gateway.jfr, method
# samples every 1 ms; summarise it with bench/profile-top.py); BENCH_ASPROF=<path of libasyncProfiler.so> profiles
# the same span with async-profiler (CPU, 1 ms; Java, JVM and kernel frames) into bench/target/run/profile.collapsed
# (the library is in Maven Central's tools.profiler:async-profiler:4.1:jar:linux-x64); BENCH_SKIP_BUILD=1 reuses the
# last build; BENCH_ONLY="<target>-<mode>-<conc> ..." (e.g. "upstream-json-64 relay-stream-16") measures only those
# throughput cells in the first container (after a warm-up of their targets), skips the other phases and leaves
# docs/BENCHMARKS.md alone: a quick check of one change, with the raw lines in bench/target/run/results-*.txt (the
# word "burst" in the list adds phase 5).
# BENCH_STREAMING=as-client sets models.providers.bench.streaming (the proxied cells' upstream; default always).
# Needs: Java 17+ (with jcmd), Maven, unzip, wrk (installed with apt-get when missing), curl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/bench/target/run
DUR=${BENCH_DURATION:-5}
WARMUP=${BENCH_WARMUP:-3}
STREAMS=${BENCH_STREAMS:-10000}
UP_STREAMS=${BENCH_UPSTREAM_STREAMS:-5000}
STREAM_S=${BENCH_STREAM_SECONDS:-30}
GW_PORT=18080
UP_PORT=18091
SLOW_PORT=18092
BURST_PORT=18093
BURST=${BENCH_BURST_STREAMS:-2000}
BURST_MS=4000
TOMCAT_VERSION=11.0.24
JETTY_VERSION=12.0.30
TOKEN=bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
TEXT="hello from the clawgate benchmark, a short prompt of about twenty words that the echo agent answers word by word"
BODY_JSON="{\"model\":\"openclaw\",\"messages\":[{\"role\":\"user\",\"content\":\"$TEXT\"}]}"
BODY_SSE="{\"model\":\"openclaw\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"$TEXT\"}]}"
MVN=(flock /tmp/clawgate-mvn.lock mvn -B -q)
PIDS=()

ulimit -n 20000
T_START=$(date +%s)
LOAD_START=$(cat /proc/loadavg)
log() { printf '[%4ss] %s\n' $(( $(date +%s) - T_START )) "$*" >&2; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do timeout 20 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# ---------------------------------------------------------------- build
command -v wrk >/dev/null || { log "installing wrk"; (apt-get install -y wrk || (apt-get update && apt-get install -y wrk)) >/dev/null; }
rm -rf "$WORK"; mkdir -p "$WORK"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building the WAR and the bench tools"
  (cd "$ROOT" && "${MVN[@]}" package -DskipTests)
  (cd "$ROOT" && "${MVN[@]}" -f bench/pom.xml package dependency:copy-dependencies -DincludeScope=runtime)
fi
CONTAINERS=${BENCH_CONTAINERS:-${BENCH_CONTAINER:-jetty tomcat}}
MAX_THREADS=${BENCH_MAX_THREADS:-32}
ONLY=${BENCH_ONLY:-}
[ -n "$ONLY" ] && CONTAINERS=${CONTAINERS%% *}
for c in $CONTAINERS; do
  case $c in
    tomcat) artifact=org.apache.tomcat:tomcat:$TOMCAT_VERSION:zip; zip=$ROOT/bench/target/tomcat-$TOMCAT_VERSION.zip ;;
    jetty)  artifact=org.eclipse.jetty:jetty-home:$JETTY_VERSION:zip; zip=$ROOT/bench/target/jetty-home-$JETTY_VERSION.zip ;;
    *) echo "BENCH_CONTAINERS: jetty and/or tomcat, not $c" >&2; exit 2 ;;
  esac
  [ -f "$zip" ] || (cd "$ROOT" && "${MVN[@]}" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact=$artifact -DoutputDirectory="$ROOT/bench/target")
done
BENCH_CP="$ROOT/bench/target/clawgate-bench.jar:$(ls "$ROOT"/bench/target/dependency/*.jar | tr '\n' ':')"
jrun() { java -Xss512k -XX:+UseSerialGC -cp "$BENCH_CP" "dev.clawgate.bench.$@"; }

# is the OpenAI-compatible upstream provider (issue 4A) in this WAR?
if unzip -l "$ROOT/target/clawgate.war" | grep 'upstream/OpenAiCompatibleProvider.class' >/dev/null; then UPSTREAM=1; else UPSTREAM=0; fi
log "upstream provider present: $UPSTREAM"

# floor WAR: the FloorServlet class and a web.xml
FLOOR=$WORK/floor-war
mkdir -p "$FLOOR/WEB-INF/classes/dev/clawgate/bench"
cp "$ROOT"/bench/target/classes/dev/clawgate/bench/FloorServlet*.class "$FLOOR/WEB-INF/classes/dev/clawgate/bench/"
cat > "$FLOOR/WEB-INF/web.xml" <<'EOF'
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
  <servlet><servlet-name>floor</servlet-name><servlet-class>dev.clawgate.bench.FloorServlet</servlet-class>
    <async-supported>true</async-supported></servlet>
  <servlet-mapping><servlet-name>floor</servlet-name><url-pattern>/v1/chat/completions</url-pattern></servlet-mapping>
</web-app>
EOF
(cd "$FLOOR" && jar cf "$WORK/floor.war" .)

# ---------------------------------------------------------------- container
jetty_context() { # <contextPath> <war> <name=value>...: a Jetty context XML on stdout
  echo '<?xml version="1.0"?>'
  echo '<!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">'
  echo '<Configure class="org.eclipse.jetty.ee10.webapp.WebAppContext">'
  echo "  <Set name=\"contextPath\">$1</Set><Set name=\"war\">$2</Set>"
  shift 2
  for kv in "$@"; do echo "  <Call name=\"setInitParameter\"><Arg>${kv%%=*}</Arg><Arg>${kv#*=}</Arg></Call>"; done
  echo '</Configure>'
}
setup_container() { # unpacks $CONTAINER (once) and deploys the floor; sets CONTAINER_NAME, CONTEXTS, RESULTS
RESULTS=$WORK/results-$CONTAINER.txt
if [ "$CONTAINER" = tomcat ]; then
  CONTAINER_NAME="Tomcat $TOMCAT_VERSION (NIO connector, maxThreads=$MAX_THREADS, maxConnections=20000)"
  [ -d "$WORK/apache-tomcat-$TOMCAT_VERSION" ] || unzip -q "$ROOT/bench/target/tomcat-$TOMCAT_VERSION.zip" -d "$WORK"
  export CATALINA_HOME=$WORK/apache-tomcat-$TOMCAT_VERSION
  export CATALINA_BASE=$WORK/base
  chmod +x "$CATALINA_HOME"/bin/*.sh
  mkdir -p "$CATALINA_BASE"/{conf/Catalina/localhost,webapps,logs,temp,work}
  cp -r "$CATALINA_HOME"/conf/. "$CATALINA_BASE/conf/"
  # One NIO connector on loopback, limits raised for 10k streams; no shutdown port, no access-log valve.
  cat > "$CATALINA_BASE/conf/server.xml" <<EOF
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="$GW_PORT" address="127.0.0.1" protocol="org.apache.coyote.http11.Http11NioProtocol"
               maxThreads="$MAX_THREADS" minSpareThreads="4" maxConnections="20000"
               acceptCount="4096" connectionTimeout="60000" maxKeepAliveRequests="-1"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
EOF
  cp "$ROOT/target/clawgate.war" "$CATALINA_BASE/webapps/ROOT.war"
  cp "$WORK/floor.war" "$CATALINA_BASE/webapps/floor.war"
  CONTEXTS=$CATALINA_BASE/conf/Catalina/localhost
  printf '<Context>\n  <Parameter name="jsonFile" value="%s" override="false"/>\n  <Parameter name="sseFile" value="%s" override="false"/>\n</Context>\n' \
    "$WORK/echo.json" "$WORK/echo.sse" > "$CONTEXTS/floor.xml"
else
  CONTAINER_NAME="Jetty $JETTY_VERSION (ee10, http module, maxThreads=$MAX_THREADS)"
  [ -d "$WORK/jetty-home-$JETTY_VERSION" ] || unzip -q "$ROOT/bench/target/jetty-home-$JETTY_VERSION.zip" -d "$WORK"
  export JETTY_HOME=$WORK/jetty-home-$JETTY_VERSION
  JETTY_BASE=$WORK/jetty-base
  if [ ! -d "$JETTY_BASE" ]; then
    mkdir -p "$JETTY_BASE"
    (cd "$JETTY_BASE" && java -jar "$JETTY_HOME/start.jar" --add-modules=http,ee10-deploy >/dev/null 2>&1)
  fi
  cp "$ROOT/target/clawgate.war" "$WORK/clawgate.war"
  CONTEXTS=$JETTY_BASE/webapps
  jetty_context /floor "$WORK/floor.war" "jsonFile=$WORK/echo.json" "sseFile=$WORK/echo.sse" > "$CONTEXTS/floor.xml"
fi
}

# gateway_context <echo wordDelayMs> <upstream port>: the gateway's settings, as an operator sets them
gateway_context() {
  local params=(gateway.http.endpoints.chatCompletions.enabled=true "gateway.auth.token=$TOKEN"
    gateway.http.rateLimit.requestsPerMinute=0 gateway.state.maxSessions=200000 "models.providers.echo.wordDelayMs=$1")
  [ "$UPSTREAM" = 1 ] && params+=(agents.main.model=echo/echo "models.providers.bench.baseUrl=http://127.0.0.1:$2/v1" \
    agents.up.model=bench/m agents.long.model=bench/long \
    "models.providers.paced.baseUrl=http://127.0.0.1:$BURST_PORT/v1" agents.paced.model=paced/m)
  [ "$UPSTREAM" = 1 ] && [ -n "${BENCH_STREAMING:-}" ] && params+=("models.providers.bench.streaming=$BENCH_STREAMING")
  if [ "$CONTAINER" = tomcat ]; then
    { echo "<Context>"
      for kv in "${params[@]}"; do echo "  <Parameter name=\"${kv%%=*}\" value=\"${kv#*=}\" override=\"false\"/>"; done
      echo "</Context>"; } > "$CONTEXTS/ROOT.xml"
  else
    jetty_context / "$WORK/clawgate.war" "${params[@]}" > "$CONTEXTS/clawgate.xml"
  fi
}

TPID=
start_container() {
  local jvm="-Xms512m -Xmx512m -XX:+UseG1GC"
  [ -n "${BENCH_ASPROF:-}" ] && jvm+=" -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"
  if [ "$CONTAINER" = tomcat ]; then
    rm -rf "$CATALINA_BASE"/webapps/ROOT "$CATALINA_BASE"/webapps/floor "$CATALINA_BASE"/work/*
    CATALINA_OPTS="$jvm" "$CATALINA_HOME/bin/catalina.sh" run >>"$WORK/container-$CONTAINER.out" 2>&1 &
  else
    (cd "$JETTY_BASE" && exec java $jvm -jar "$JETTY_HOME/start.jar" jetty.http.host=127.0.0.1 jetty.http.port=$GW_PORT \
      jetty.http.acceptQueueSize=4096 jetty.threadPool.maxThreads=$MAX_THREADS jetty.threadPool.minThreads=4 \
      >>"$WORK/container-$CONTAINER.out" 2>&1) &
  fi
  TPID=$!
  PIDS+=("$TPID")
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$GW_PORT/healthz" >/dev/null 2>&1; then log "$CONTAINER up (pid $TPID)"; return; fi
    sleep 0.5
  done
  log "$CONTAINER did not start; see $WORK/container-$CONTAINER.out"; exit 1
}
stop_container() {
  kill "$TPID"; timeout 30 tail --pid="$TPID" -f /dev/null || kill -9 "$TPID" || true
}
start_upstream() { # <port> <delayMs>
  (exec java -XX:+UseSerialGC -cp "$BENCH_CP" dev.clawgate.bench.BenchUpstream "$1" "echo: $TEXT" "$2" \
    >>"$WORK/upstream-$1.out" 2>&1) &
  PIDS+=("$!")
  for _ in $(seq 1 60); do
    grep -q listening "$WORK/upstream-$1.out" 2>/dev/null && return
    sleep 0.25
  done
  log "upstream on $1 did not start"; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$TPID/stat"; }
jit_ticks() { # CPU ticks of the JIT compiler threads (long-lived, so their share of a cell can be taken out)
  local t=0 s rest f
  for f in /proc/"$TPID"/task/*/stat; do
    s=$(cat "$f" 2>/dev/null) || continue
    case $s in
      *"(C1 CompilerThre)"*|*"(C2 CompilerThre)"*) rest=${s##*) }; set -- $rest; t=$(( t + ${12} + ${13} )) ;;
    esac
  done
  echo "$t"
}
CLK_TCK=$(getconf CLK_TCK)

# wrk_run <label> <mode> <conc> <seconds> <port> <path> <token|""> <body> [record]
wrk_run() {
  local label=$1 mode=$2 c=$3 secs=$4 port=$5 path=$6 token=$7 body=$8 record=${9:-1}
  local t=2; [ "$c" -lt 2 ] && t=1
  local before after out
  before=$(cpu_ticks); local jit_before; jit_before=$(jit_ticks)
  out=$(BENCH_BODY=$body BENCH_TOKEN=$token wrk -t"$t" -c"$c" -d"${secs}s" --timeout 10s -s "$ROOT/bench/lua/post.lua" \
        "http://127.0.0.1:$port$path" 2>&1 | grep '^RESULT' || true)
  after=$(cpu_ticks); local jit_after; jit_after=$(jit_ticks)
  [ -n "$out" ] || { log "wrk failed for $label $mode c=$c"; out="RESULT requests=0 rps=0 p50_ms=0 p99_ms=0 errors=-1 non2xx=-1"; }
  local reqs; reqs=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
  local cpu_us=0 cpu_nojit_us=0
  [ "$reqs" -gt 0 ] && cpu_us=$(( (after - before) * 1000000 / CLK_TCK / reqs )) \
    && cpu_nojit_us=$(( (after - before - jit_after + jit_before) * 1000000 / CLK_TCK / reqs ))
  [ "$record" = 1 ] && echo "wrk target=$label mode=$mode c=$c ${out#RESULT } gateway_cpu_us=$cpu_us gateway_cpu_nojit_us=$cpu_nojit_us load1=$(cut -d" " -f1 /proc/loadavg)" | tee -a "$RESULTS" >&2
  return 0
}

TARGETS=("floor:/floor/v1/chat/completions" "echo:/v1/chat/completions")
[ "$UPSTREAM" = 1 ] && TARGETS+=("upstream:/v1/chat/completions" "direct:/v1/chat/completions")
RELAY_C=16
selected() { # <target> <mode> <conc>: whether BENCH_ONLY (when set) names this cell
  [ -z "$ONLY" ] || [[ " $ONLY " == *" $1-$2-$3 "* ]]
}
warm_wanted() { # <target> <mode>
  [ -z "$ONLY" ] || [[ " $ONLY " == *" $1-$2-"* ]]
}
target_args() { # <target> <mode>: port path token body
  local name=${1%%:*} path=${1#*:} body=$BODY_JSON
  [ "$2" = stream ] && body=$BODY_SSE
  case $name in
    upstream) echo "$GW_PORT|$path|$TOKEN|${body/openclaw/openclaw:up}" ;;
    relay) echo "$GW_PORT|$path|$TOKEN|${body/openclaw/openclaw:long}" ;;
    direct) echo "$UP_PORT|$path||${body/openclaw/m}" ;;
    *) echo "$GW_PORT|$path|$TOKEN|$body" ;;
  esac
}

# ---------------------------------------------------------------- phase 1: throughput
phase_throughput() {
  log "$CONTAINER: warm-up"
  for tg in "${TARGETS[@]}"; do
    for mode in json stream; do
      warm_wanted "${tg%%:*}" "$mode" || continue
      IFS='|' read -r port path token body <<<"$(target_args "$tg" "$mode")"
      wrk_run "${tg%%:*}" "$mode" 64 "$WARMUP" "$port" "$path" "$token" "$body" 0
    done
  done
  if [ "$UPSTREAM" = 1 ] && warm_wanted relay stream; then
    IFS='|' read -r port path token body <<<"$(target_args relay:/v1/chat/completions stream)"
    wrk_run relay stream "$RELAY_C" "$WARMUP" "$port" "$path" "$token" "$body" 0
  fi
  if [ "${BENCH_JFR:-0}" = 1 ]; then
    # the JDK's "profile" settings with method sampling every 1 ms instead of 10/20 ms
    JFC=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc
    sed -E '/jdk\.(ExecutionSample|NativeMethodSample)/,/<\/event>/ s/[0-9]+ ms/1 ms/' "$JFC" > "$WORK/sample-1ms.jfc"
    jcmd "$TPID" JFR.start name=bench settings="$WORK/sample-1ms.jfc" filename="$WORK/gateway.jfr" >/dev/null
  fi
  if [ -n "${BENCH_ASPROF:-}" ]; then
    jcmd "$TPID" JVMTI.agent_load "$BENCH_ASPROF" "\"start,event=cpu,interval=1ms,threads\"" >/dev/null
  fi
  log "$CONTAINER: throughput: ${#TARGETS[@]} targets x 2 modes x 4 concurrencies x ${DUR}s"
  for mode in json stream; do
    for c in 1 16 64 256; do
      for tg in "${TARGETS[@]}"; do
        selected "${tg%%:*}" "$mode" "$c" || continue
        IFS='|' read -r port path token body <<<"$(target_args "$tg" "$mode")"
        wrk_run "${tg%%:*}" "$mode" "$c" "$DUR" "$port" "$path" "$token" "$body"
      done
    done
  done
  # the relay cell: every request a 1,000-chunk upstream stream, so CPU per request / 1,000 is CPU per relayed chunk
  if [ "$UPSTREAM" = 1 ] && selected relay stream "$RELAY_C"; then
    IFS='|' read -r port path token body <<<"$(target_args relay:/v1/chat/completions stream)"
    wrk_run relay stream "$RELAY_C" "$DUR" "$port" "$path" "$token" "$body"
  fi
  [ "${BENCH_JFR:-0}" = 1 ] && jcmd "$TPID" JFR.stop name=bench >/dev/null
  if [ -n "${BENCH_ASPROF:-}" ]; then
    jcmd "$TPID" JVMTI.agent_load "$BENCH_ASPROF" "\"stop,file=$WORK/profile.collapsed,collapsed\"" >/dev/null
    log "async-profiler: $WORK/profile.collapsed (bench/profile-top.py summarises it)"
  fi
  return 0
}

# ---------------------------------------------------------------- phases 2-5 in one container
phase_latency() {
  if [ "$UPSTREAM" = 1 ]; then
    log "$CONTAINER: added latency: direct vs gateway, interleaved rounds"
    jrun AddedLatency "$UP_PORT" "$GW_PORT" /v1/chat/completions "$TOKEN" openclaw:up "$TEXT" 20 250 \
      | sed 's/^/latency_/' | tee -a "$RESULTS" >&2
  fi
  log "$CONTAINER: time to role chunk and first content delta"
  jrun SseProbe "$GW_PORT" /v1/chat/completions "$TOKEN" openclaw "$TEXT" 1000 echo | tee -a "$RESULTS" >&2
  if [ "$UPSTREAM" = 1 ]; then
    jrun SseProbe "$GW_PORT" /v1/chat/completions "$TOKEN" openclaw:up "$TEXT" 1000 upstream | tee -a "$RESULTS" >&2
    jrun SseProbe "$UP_PORT" /v1/chat/completions - m "$TEXT" 1000 direct | tee -a "$RESULTS" >&2
  fi
}
heap_kb() { jcmd "$TPID" GC.run >/dev/null; jcmd "$TPID" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+'; }
phase_sessions() {
  log "$CONTAINER: memory per stored session"
  local h0 h1 out sessions
  h0=$(heap_kb)
  out=$(BENCH_BODY=$BODY_JSON BENCH_TOKEN=$TOKEN BENCH_UNIQUE_USER=1 wrk -t2 -c16 -d3s -s "$ROOT/bench/lua/post.lua" \
        "http://127.0.0.1:$GW_PORT/v1/chat/completions" | grep '^RESULT')
  h1=$(heap_kb)
  sessions=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
  echo "sessions stored=$sessions heap_before_kb=$h0 heap_after_kb=$h1 bytes_per_session=$(( (h1 - h0) * 1024 / sessions ))" \
    | tee -a "$RESULTS" >&2
}
phase_burst() { # BURST streams of BURST_MS at once, through the gateway, then directly (no sampling: pid 0)
  [ "$UPSTREAM" = 1 ] || return 0
  log "$CONTAINER: $BURST concurrent $(( BURST_MS / 1000 ))-s streams, through the gateway and directly"
  jrun StreamHold "$GW_PORT" "$TOKEN" openclaw:paced "hi" 500 1000 "$(( 2 * BURST_DELAY_MS ))" 0 30 warm >/dev/null || true
  jrun StreamHold "$GW_PORT" "$TOKEN" openclaw:paced "$TEXT" "$BURST" 4000 "$BURST_MS" 0 60 burst_gateway \
    | tee -a "$RESULTS" >&2
  jrun StreamHold "$BURST_PORT" - m "$TEXT" "$BURST" 4000 "$BURST_MS" 0 60 burst_direct | tee -a "$RESULTS" >&2
}

# ---------------------------------------------------------------- the containers, one after the other
WORDS=$(wc -w <<<"echo: $TEXT")
BURST_DELAY_MS=$(( BURST_MS / WORDS ))
start_upstream "$UP_PORT" 0
[ "$UPSTREAM" = 1 ] && start_upstream "$BURST_PORT" "$BURST_DELAY_MS"
REPORT_ARGS=()
for CONTAINER in $CONTAINERS; do
  setup_container
  : > "$RESULTS"
  gateway_context 0 "$UP_PORT"
  start_container
  curl -sf "http://127.0.0.1:$GW_PORT/v1/chat/completions" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "$BODY_JSON" -o "$WORK/echo.json"
  curl -sfN "http://127.0.0.1:$GW_PORT/v1/chat/completions" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "$BODY_SSE" -o "$WORK/echo.sse"
  [ -s "$WORK/echo.json" ] && [ -s "$WORK/echo.sse" ] || { log "gateway did not answer"; exit 1; }
  phase_throughput
  if [ -n "$ONLY" ]; then
    [[ " $ONLY " == *" burst "* ]] && phase_burst
    log "BENCH_ONLY: done (load average $(cat /proc/loadavg)); raw results in $RESULTS"
    exit 0
  fi
  phase_latency
  phase_sessions
  phase_burst
  stop_container
  REPORT_ARGS+=("$CONTAINER_NAME" "$RESULTS")
done

# ---------------------------------------------------------------- phase 6: open streams (first container only)
CONTAINER=${CONTAINERS%% *}
setup_container
DELAY_MS=$(( STREAM_S * 1000 / WORDS ))
gateway_context "$DELAY_MS" "$SLOW_PORT"
[ "$UPSTREAM" = 1 ] && start_upstream "$SLOW_PORT" "$DELAY_MS"
start_container
# warm the fresh JVM's request path (JIT) with short paced streams ("echo: hi" = 2 words), so the ramp measures
# the gateway, not the compiler
jrun StreamHold "$GW_PORT" "$TOKEN" openclaw "hi" 2000 2000 $(( 2 * DELAY_MS )) "$TPID" 60 warm >/dev/null || true
log "$STREAMS slow streams on the echo agent (${STREAM_S}s each)"
jrun StreamHold "$GW_PORT" "$TOKEN" openclaw "$TEXT" "$STREAMS" 1000 $(( WORDS * DELAY_MS )) "$TPID" $(( STREAM_S * 3 + 30 )) echo_hold \
  | tee -a "$RESULTS" >&2
if [ "$UPSTREAM" = 1 ]; then
  log "$UP_STREAMS slow streams through the upstream agent"
  jrun StreamHold "$GW_PORT" "$TOKEN" openclaw:up "$TEXT" "$UP_STREAMS" 1000 $(( WORDS * DELAY_MS )) "$TPID" $(( STREAM_S * 3 + 30 )) up_hold \
    | tee -a "$RESULTS" >&2
fi
stop_container

# ---------------------------------------------------------------- report
log "writing docs/BENCHMARKS.md"
mkdir -p "$ROOT/docs"
jrun Report "$ROOT/bench/NOTES.md" "$DUR" "$LOAD_START" "$(cat /proc/loadavg)" "${REPORT_ARGS[@]}" \
  > "$ROOT/docs/BENCHMARKS.md"
# the Redis-backed state figures come from bench/redis.sh (issue 7); kept in bench/REDIS.md and carried along
printf '\n' >> "$ROOT/docs/BENCHMARKS.md"
cat "$ROOT/bench/REDIS.md" >> "$ROOT/docs/BENCHMARKS.md"
# the soak's figures come from bench/soak.sh (issue 11); kept in bench/SOAK.md and carried along the same way
for soak in SOAK.md SOAK-tomcat.md; do
  if [ -f "$ROOT/bench/$soak" ]; then printf '\n' >> "$ROOT/docs/BENCHMARKS.md"; cat "$ROOT/bench/$soak" >> "$ROOT/docs/BENCHMARKS.md"; fi
done
log "done in $(( $(date +%s) - T_START ))s: docs/BENCHMARKS.md, raw results in $WORK/results-*.txt"
