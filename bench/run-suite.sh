#!/usr/bin/env bash
# Standard performance suite on workload M: builds, generates the workload, runs the engine (events on) and
# the Netty hello-world baseline under the same closed-loop load (F2, with wrk when it is installed and with
# the Java load generator), the engine under open-loop load at
# 50 % and 80 % of its measured maximum (F3), the JMH decision benchmark (F1), and writes
# bench/results/YYYY-MM-DD-report.md. Every process it starts is stopped by PID on exit.
#
# Knobs (environment): SUITE_DURATION (closed-loop seconds, 20), SUITE_OPEN_DURATION (open-loop seconds, 20),
# SUITE_WARMUP (seconds before each load run, 5), SUITE_CONNECTIONS (64), SUITE_CLIENT_THREADS (1),
# SUITE_JMH_FORKS (2), SUITE_JMH_WARMUP (5), SUITE_JMH_ITERATIONS (5), SUITE_SEED (1),
# SUITE_SKIP_BUILD (1 = reuse built jars), SUITE_MVN_ARGS (extra Maven flags, e.g. -o),
# SUITE_ENGINE_PORT (18080), SUITE_ADMIN_PORT (18081), SUITE_HELLO_PORT (18090).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

DURATION="${SUITE_DURATION:-20}"
OPEN_DURATION="${SUITE_OPEN_DURATION:-20}"
WARMUP="${SUITE_WARMUP:-5}"
CONNECTIONS="${SUITE_CONNECTIONS:-64}"
CLIENT_THREADS="${SUITE_CLIENT_THREADS:-1}"
JMH_FORKS="${SUITE_JMH_FORKS:-2}"
JMH_WARMUP="${SUITE_JMH_WARMUP:-5}"
JMH_ITERATIONS="${SUITE_JMH_ITERATIONS:-5}"
SEED="${SUITE_SEED:-1}"
ENGINE_PORT="${SUITE_ENGINE_PORT:-18080}"
ADMIN_PORT="${SUITE_ADMIN_PORT:-18081}"
HELLO_PORT="${SUITE_HELLO_PORT:-18090}"

STAMP="$(date -u +%Y-%m-%d)"
RUN_DIR="$ROOT/bench/results/$STAMP"
WORK="$ROOT/bench/target/suite-workload-M"
REPORT="$ROOT/bench/results/$STAMP-report.md"
BENCH_JAR="$ROOT/bench/target/benchmarks.jar"
ENGINE_JAR="$ROOT/engine/target/ad-engine.jar"
BENCH=(java -cp "$BENCH_JAR" io.adengine.bench.BenchMain)
SUITE_START=$(date +%s)
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

ENGINE_PID=""
HELLO_PID=""
stop() {
  local pid="$1"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
cleanup() { stop "$ENGINE_PID"; ENGINE_PID=""; stop "$HELLO_PID"; HELLO_PID=""; }
trap cleanup EXIT INT TERM

log() { echo "[suite $(date -u +%H:%M:%S)] $*"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() { # url, seconds, pid
  for _ in $(seq 1 $(( $2 * 5 ))); do
    if curl -s -o /dev/null -m 2 "$1"; then return 0; fi
    kill -0 "$3" 2>/dev/null || { echo "process $3 died while starting" >&2; return 1; }
    sleep 0.2
  done
  echo "no answer from $1 within $2 s" >&2; return 1
}
prop() { grep -E "^$2=" "$1" | cut -d= -f2; }

for p in "$ENGINE_PORT" "$ADMIN_PORT" "$HELLO_PORT"; do
  port_free "$p" || { echo "port $p is in use; set SUITE_*_PORT" >&2; exit 2; }
done

if [[ "${SUITE_SKIP_BUILD:-0}" != "1" ]]; then
  log "building (mvn package -DskipTests)"
  # shellcheck disable=SC2086
  mvn -B -q ${SUITE_MVN_ARGS:-} package -DskipTests
fi
[[ -f "$BENCH_JAR" && -f "$ENGINE_JAR" ]] || { echo "missing $BENCH_JAR or $ENGINE_JAR" >&2; exit 2; }

# The commit, read before this run writes its own files (a report of the same day overwrites tracked ones).
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet -- . ':(exclude)bench/results' 2>/dev/null || echo ' (with uncommitted changes)')"
mkdir -p "$RUN_DIR"
log "generating workload M (seed $SEED) into $WORK"
"${BENCH[@]}" workload --size M --seed "$SEED" --out "$WORK" --requests 100000 \
  --public-port "$ENGINE_PORT" --admin-port "$ADMIN_PORT" | tee "$RUN_DIR/workload.txt"

# Events on, as the engine runs in production (the generated engine.yaml leaves them off): F2 and F3 see the
# journal (fsync per batch), the ledger and the rollups.
rm -rf "$WORK/journal"
printf 'events:\n  journalDir: %s/journal\n' "$WORK" >> "$WORK/engine.yaml"

log "starting engine"
java @config/jvm.options @config/engine.jvm.options -jar "$ENGINE_JAR" "$WORK/engine.yaml" > "$RUN_DIR/engine.log" 2>&1 &
ENGINE_PID=$!
wait_http "http://127.0.0.1:$ENGINE_PORT/health" 300 "$ENGINE_PID"
ENGINE_RSS_KB="$(awk '/VmRSS/ {print $2}' /proc/$ENGINE_PID/status 2>/dev/null || echo 0)"
log "engine up (pid $ENGINE_PID, RSS ${ENGINE_RSS_KB} kB)"

log "starting hello-world baseline"
"${BENCH[@]}" hello --port "$HELLO_PORT" > "$RUN_DIR/hello.log" 2>&1 &
HELLO_PID=$!
wait_http "http://127.0.0.1:$HELLO_PORT/" 120 "$HELLO_PID"

load() { # label port mode [rate]
  local args=(load --port "$2" --requests "$WORK/requests.jsonl" --connections "$CONNECTIONS" --threads "$CLIENT_THREADS"
              --mode "$3" --warmup "$WARMUP" --label "$1" --out "$RUN_DIR")
  if [[ "$3" == OPEN ]]; then args+=(--rate "$4" --duration "$OPEN_DURATION"); else args+=(--duration "$DURATION"); fi
  log "load $1"
  "${BENCH[@]}" "${args[@]}" | tee -a "$RUN_DIR/load.txt"
}

# F2 with wrk (a C client that leaves the engine more of the two cores), bodies rotated from requests.jsonl:
# the engine first, then the hello-world, same settings, same run.
WRK_ENGINE="n/a"; WRK_HELLO="n/a"
if command -v wrk > /dev/null; then
  wrk_run() { # label port
    log "wrk $1"
    wrk -t"$CLIENT_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s bench/wrk/rotate-bodies.lua "http://127.0.0.1:$2" -- "$WORK/requests.jsonl" > /dev/null
    WRK_STATUSES=1 wrk -t"$CLIENT_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s bench/wrk/rotate-bodies.lua "http://127.0.0.1:$2" \
      -- "$WORK/requests.jsonl" > "$RUN_DIR/wrk-$1.txt"
    awk '/Requests\/sec/ {print $2}' "$RUN_DIR/wrk-$1.txt"
  }
  WRK_ENGINE="$(wrk_run engine "$ENGINE_PORT" | tail -1)"
  WRK_HELLO="$(wrk_run hello "$HELLO_PORT" | tail -1)"
else
  log "wrk not installed (apt-get install wrk): the wrk F2 row is skipped"
fi

load engine-closed "$ENGINE_PORT" CLOSED
load hello-closed "$HELLO_PORT" CLOSED
stop "$HELLO_PID"; HELLO_PID=""
ENGINE_MAX="$(prop "$RUN_DIR/engine-closed.properties" throughput)"
HELLO_MAX="$(prop "$RUN_DIR/hello-closed.properties" throughput)"
RATE50="$(awk -v t="$ENGINE_MAX" 'BEGIN { printf "%.0f", t * 0.5 }')"
RATE80="$(awk -v t="$ENGINE_MAX" 'BEGIN { printf "%.0f", t * 0.8 }')"
load engine-open-50 "$ENGINE_PORT" OPEN "$RATE50"
load engine-open-80 "$ENGINE_PORT" OPEN "$RATE80"
ENGINE_RSS_AFTER_KB="$(awk '/VmRSS/ {print $2}' /proc/$ENGINE_PID/status 2>/dev/null || echo 0)"
stop "$ENGINE_PID"; ENGINE_PID=""

log "JMH DecisionBenchmark (F1)"
# JMH refuses to run while another JMH holds /tmp/jmh.lock (other work on a shared box): wait for it a
# bounded time, then run anyway and say so in the report.
JMH_NOTE="No other JMH run held /tmp/jmh.lock during this one."
lock_held() { [[ -e /tmp/jmh.lock ]] && command -v fuser > /dev/null && fuser /tmp/jmh.lock > /dev/null 2>&1; }
for _ in $(seq 1 "${SUITE_JMH_LOCK_WAIT:-18}"); do lock_held || break; sleep 10; done
jmh() {
  java "$@" -jar "$BENCH_JAR" DecisionBenchmark -f "$JMH_FORKS" -wi "$JMH_WARMUP" -i "$JMH_ITERATIONS" -prof gc \
    > "$RUN_DIR/jmh-decision.txt" 2>&1
}
if ! jmh; then
  if grep -q 'Unable to acquire the JMH lock' "$RUN_DIR/jmh-decision.txt"; then
    JMH_NOTE="Another JMH run held /tmp/jmh.lock: this one ran concurrently with it (-Djmh.ignoreLock=true)."
    jmh -Djmh.ignoreLock=true || { echo "JMH failed, see $RUN_DIR/jmh-decision.txt" >&2; exit 1; }
  else
    echo "JMH failed, see $RUN_DIR/jmh-decision.txt" >&2; exit 1
  fi
fi
F1_LINE="$(grep -E '^DecisionBenchmark\.decide +' "$RUN_DIR/jmh-decision.txt" | tail -1)"
F1_ALLOC="$(grep -E '^DecisionBenchmark\.decide:gc\.alloc\.rate\.norm' "$RUN_DIR/jmh-decision.txt" | tail -1)"
F1_NS="$(awk '{print $(NF-3)" ± "$(NF-1)" ns/op"}' <<< "$F1_LINE")"
F1_B="$(awk '{print $(NF-3)" ± "$(NF-1)" B/op"}' <<< "$F1_ALLOC")"

# F5-F7: the harnesses of the sync and billing issues, each bounded in time.
JAVA_OPTS_FILE="$ROOT/config/jvm.options"
log "F6 journal throughput (2 publishers, ${SUITE_F6_SECONDS:-5} s, fsync per batch)"
java @"$JAVA_OPTS_FILE" -cp "$BENCH_JAR" io.adengine.bench.events.JournalThroughput --publishers 2 --seconds "${SUITE_F6_SECONDS:-5}" --fsync BATCH --inflight 256 \
  > "$RUN_DIR/f6-journal.txt" 2>&1 || echo "F6 failed" >> "$RUN_DIR/f6-journal.txt"
log "F7 simulated day (${SUITE_F7_GROUPS:-2000} ad groups, ${SUITE_F7_REQUESTS:-1000000} requests)"
java @"$JAVA_OPTS_FILE" -Djava.awt.headless=true -cp "$BENCH_JAR" io.adengine.bench.events.SimulatedDay \
  --groups "${SUITE_F7_GROUPS:-2000}" --requests "${SUITE_F7_REQUESTS:-1000000}" --png "$RUN_DIR/f7-simulated-day.png" \
  > "$RUN_DIR/f7-day.txt" 2>&1 || echo "F7 failed" >> "$RUN_DIR/f7-day.txt"
log "F5 sync storm (catalog ${SUITE_F5_CATALOG:-M}, ${SUITE_F5_SECONDS:-10} s at ${SUITE_F5_CHANGES:-1000} changes/s)"
java @"$JAVA_OPTS_FILE" -Xmx3g -cp "$BENCH_JAR" io.adengine.bench.sync.SyncStormBench \
  --catalog "${SUITE_F5_CATALOG:-M}" --seconds "${SUITE_F5_SECONDS:-10}" --changes-per-second "${SUITE_F5_CHANGES:-1000}" \
  --requests-per-second 200 \
  > "$RUN_DIR/f5-sync.txt" 2>&1 || echo "F5 failed" >> "$RUN_DIR/f5-sync.txt"
F5_FRESH="$(grep -m1 '^freshness' "$RUN_DIR/f5-sync.txt" | sed 's/.*ms: //')"
F5_ACKED="$(grep -m1 '^changes acknowledged' "$RUN_DIR/f5-sync.txt" | sed 's/;.*//')"
F5_RATIO="$(grep -m1 'serving p99 storm / idle' "$RUN_DIR/f5-sync.txt" | sed 's/.*= //')"
F6_RATE="$(grep -m1 '^acknowledged events/s' "$RUN_DIR/f6-journal.txt" | sed 's/^acknowledged events\/s: //')"
F6_LAT="$(grep -m1 '^publish->ack latency' "$RUN_DIR/f6-journal.txt" | sed 's/^publish->ack latency us: //')"
F7_EVEN="$(grep -m1 '^EVEN' "$RUN_DIR/f7-day.txt" | sed 's/, wall.*//')"
F7_ASAP="$(grep -m1 '^ASAP' "$RUN_DIR/f7-day.txt" | sed 's/, wall.*//')"

F2="$(awk -v e="$ENGINE_MAX" -v h="$HELLO_MAX" 'BEGIN { if (h > 0) printf "%.3f", e / h; else print "n/a" }')"
F2_WRK="$(awk -v e="$WRK_ENGINE" -v h="$WRK_HELLO" 'BEGIN { if (h > 0) printf "%.3f", e / h; else print "n/a" }')"
WRK_STATUS_LINE="$(grep -h '^statuses' "$RUN_DIR/wrk-engine.txt" 2>/dev/null || echo 'statuses: n/a')"
ELAPSED=$(( $(date +%s) - SUITE_START ))
row() { # label
  local f="$RUN_DIR/$1.properties"
  echo "| $1 | $(prop "$f" mode) | $(prop "$f" targetRate) | $(prop "$f" throughput) | $(prop "$f" fillRate) | $(prop "$f" status503) | $(( $(prop "$f" errors) + $(prop "$f" otherStatus) + $(prop "$f" timedOut) + $(prop "$f" unsent) )) | $(prop "$f" p50ms) | $(prop "$f" p90ms) | $(prop "$f" p99ms) | $(prop "$f" p999ms) | $(prop "$f" maxms) |"
}

{
  echo "# Performance report $STAMP"
  echo
  echo "Generated by \`bench/run-suite.sh\` in ${ELAPSED} s on workload M (seed $SEED)."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| git commit | $COMMIT |"
  echo "| machine | $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory, $(uname -sr) |"
  echo "| JVM | $(java -version 2>&1 | head -2 | tail -1) |"
  echo "| load average at start / end | $LOAD_AT_START / $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo "| settings | closed ${DURATION} s, open ${OPEN_DURATION} s, warm-up ${WARMUP} s per run, ${CONNECTIONS} connections, ${CLIENT_THREADS} client thread(s); JMH -f $JMH_FORKS -wi $JMH_WARMUP -i $JMH_ITERATIONS |"
  echo
  echo "The machine may be shared: a load average above the core count means other work competed for the CPU,"
  echo "so absolute figures are upper bounds on latency; F2 is a ratio measured in the same run."
  echo
  echo "## Figures"
  echo
  echo "| id | figure | value |"
  echo "|---|---|---|"
  echo "| F1 | decision time, allocation (JMH, in process) | $F1_NS; $F1_B |"
  echo "| F2 | engine / hello-world closed-loop throughput, wrk -t$CLIENT_THREADS -c$CONNECTIONS, bodies from requests.jsonl, events on | **$F2_WRK** ($WRK_ENGINE / $WRK_HELLO req/s; engine $WRK_STATUS_LINE) |"
  echo "| F2 | the same with the Java load generator (bench load) | **$F2** ($ENGINE_MAX / $HELLO_MAX req/s) |"
  echo "| F3 | open loop at 50 % ($RATE50 req/s): p50 / p99 / p99.9 / max ms | $(prop "$RUN_DIR/engine-open-50.properties" p50ms) / $(prop "$RUN_DIR/engine-open-50.properties" p99ms) / $(prop "$RUN_DIR/engine-open-50.properties" p999ms) / $(prop "$RUN_DIR/engine-open-50.properties" maxms) |"
  echo "| F3 | open loop at 80 % ($RATE80 req/s): p50 / p99 / p99.9 / max ms | $(prop "$RUN_DIR/engine-open-80.properties" p50ms) / $(prop "$RUN_DIR/engine-open-80.properties" p99ms) / $(prop "$RUN_DIR/engine-open-80.properties" p999ms) / $(prop "$RUN_DIR/engine-open-80.properties" maxms) |"
  echo "| F4 | memory | partial: engine RSS $(( ENGINE_RSS_KB / 1024 )) MiB after loading M's catalog ($(( ENGINE_RSS_KB * 1024 / 100000 )) B per ad group), $(( ENGINE_RSS_AFTER_KB / 1024 )) MiB after the load runs; no user data yet, so no bytes per user |"
  echo "| F5 | sync freshness: change 200 -> first answer with it (SyncStormBench, catalog ${SUITE_F5_CATALOG:-M}) | ${F5_FRESH:-failed, see $STAMP/f5-sync.txt}; ${F5_ACKED:-}; serving p99 storm / idle ${F5_RATIO:-n/a} |"
  echo "| F6 | events/s to the fsynced journal, 2 publishing threads (JournalThroughput) | ${F6_RATE:-failed, see $STAMP/f6-journal.txt}; publish -> ack µs ${F6_LAT:-n/a} |"
  echo "| F7 | simulated day, ${SUITE_F7_GROUPS:-2000} ad groups (SimulatedDay) | ${F7_EVEN:-failed, see $STAMP/f7-day.txt}; ${F7_ASAP:-} |"
  echo
  echo "Aims: F1 median under 50 µs and under 1 KB per decision; F2 ≥ 0.5; F3 p99 ≤ 2 ms at 80 %."
  echo
  echo "## Load runs"
  echo
  echo "| run | mode | target req/s | req/s | fill rate | 503 | errors | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  row engine-closed; row hello-closed; row engine-open-50; row engine-open-80
  echo
  echo "Errors = transport errors + statuses other than 200/204/503 + unanswered + never sent. Latency files:"
  echo "\`$STAMP/<run>.hgrm\` (HdrHistogram percentile distribution, ms) and \`$STAMP/<run>.png\`."
  echo
  echo "![engine-open-80]($STAMP/engine-open-80.png)"
  echo
  echo "![F7 planned vs actual spend]($STAMP/f7-simulated-day.png)"
  echo
  echo "## F1 (JMH)"
  echo
  echo '```'
  echo "# $JMH_NOTE"
  echo "java -jar bench/target/benchmarks.jar DecisionBenchmark -f $JMH_FORKS -wi $JMH_WARMUP -i $JMH_ITERATIONS -prof gc"
  grep -E '^(Benchmark|DecisionBenchmark)' "$RUN_DIR/jmh-decision.txt"
  echo '```'
} > "$REPORT"
log "report: $REPORT (${ELAPSED} s)"
