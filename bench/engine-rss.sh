#!/usr/bin/env bash
# Resident memory of a real engine process (EngineMain, the shipped jar and launcher options) with a
# workload loaded: the catalog of WORKLOAD_DIR (BenchMain workload) and the user data of AUDIENCE_DIR
# (AudienceWorkloadMain generate + profiles), events on (journal and dedup tables as in config/engine.yaml).
# Reports /proc/PID/status (VmRSS, VmHWM, RssAnon, RssFile) and the heap after a full GC: once started,
# and again after LOAD_SECONDS of closed-loop traffic. Stops the engine it started.
#
# usage: bench/engine-rss.sh WORKLOAD_DIR AUDIENCE_DIR OUT_DIR [extra JVM options after the launcher's, e.g. -Xmx6g]
# env:   RSS_ENGINE_PORT (18180), RSS_ADMIN_PORT (18181), LOAD_SECONDS (20), RSS_ENGINE_JAR (engine/target/ad-engine.jar),
#        RSS_NO_AUDIENCES=1 (catalog only: leave the audiences section out),
#        RSS_SYNC=1 (catalog sync on: a durable store in OUT/catalog-data seeded from the workload's catalog),
#        RSS_CHANGES=N (with RSS_SYNC: change N ad groups through the admin API before the load, so that the
#        compactor builds a new base while the old one serves; bench/catalog-changes.py),
#        RSS_EVENTS_WAIT=BLOCKING|SLEEPING|... (events.waitStrategy; the engine's default otherwise),
#        RSS_IDLE_SECONDS=N (after start, the engine's CPU by thread group over N seconds without traffic),
#        RSS_STORM=1 (with RSS_SYNC: after the load, the F5 sync storm from another process: SyncStormBench
#        --external against this engine, workload M, STORM_SECONDS (10) measured at 1,000 changes/s; it
#        prints freshness, serving latency and this engine's CPU by thread)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(cd "$1" && pwd)"
AUD="$(cd "$2" && pwd)"
OUT="$3"
shift 3
PORT="${RSS_ENGINE_PORT:-18180}"
ADMIN="${RSS_ADMIN_PORT:-18181}"
LOAD_SECONDS="${LOAD_SECONDS:-20}"
ENGINE_JAR="${RSS_ENGINE_JAR:-$ROOT/engine/target/ad-engine.jar}"
BENCH_JAR="$ROOT/bench/target/benchmarks.jar"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
rm -rf "$OUT/journal"

# The workload's engine.yaml, with absolute paths, our ports, and the events and audiences sections.
sed -e "s|^  path: catalog.json|  path: $WORK/catalog.json|" -e "s|publicPort: .*|publicPort: $PORT|" \
    -e "s|adminPort: .*|adminPort: $ADMIN|" "$WORK/engine.yaml" > "$OUT/engine.yaml"
if [[ "${RSS_SYNC:-0}" == "1" ]]; then
  rm -rf "$OUT/catalog-data"
  sed -i -e "s|^  path: .*|&\n  dataDir: $OUT/catalog-data\n  rulesDir: $ROOT/config|" "$OUT/engine.yaml"
fi
cat >> "$OUT/engine.yaml" <<EOF
events:
  journalDir: $OUT/journal
  fsync: NONE
EOF
if [[ -n "${RSS_EVENTS_WAIT:-}" ]]; then
  echo "  waitStrategy: $RSS_EVENTS_WAIT" >> "$OUT/engine.yaml"
fi
if [[ "${RSS_NO_AUDIENCES:-0}" != "1" ]]; then
  printf 'audiences:\n  dir: %s\n  maxUsers: 20000000\n' "$AUD" >> "$OUT/engine.yaml"
fi

status() { # label
  echo "== $1 (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  grep -E '^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem)' "/proc/$ENGINE_PID/status"
}
thread_cpu() { # CPU ticks (1/100 s) of the engine's threads by name, trailing digits dropped
  for t in /proc/"$ENGINE_PID"/task/*/stat; do cat "$t" 2>/dev/null; echo; done |
    sed -nE 's/^[0-9]+ \((.*)\) [A-Za-z] (.*)$/\1|\2/p' |
    awk -F'|' '{ split($2, f, " "); name = $1; sub(/[-#]?[0-9]+$/, "", name); cpu[name] += f[11] + f[12] }
               END { for (n in cpu) print n "|" cpu[n] }' | sort
}
cpu_delta() { # label seconds before-file: CPU by thread group since before-file, % of one core
  thread_cpu | awk -F'|' -v secs="$2" 'NR == FNR { before[$1] = $2; next }
      { used = $2 - before[$1]; if (used > 0) printf "%.1f|%s\n", used / secs, $1 }' "$3" - |
    sort -t'|' -k1 -nr | head -8 | awk -F'|' '{ printf "%s %s%%; ", $2, $1 }' |
    sed "s/^/CPU by thread group during $1 (% of one core): /"; echo
}
heap() {
  jcmd "$ENGINE_PID" GC.run > /dev/null
  sleep 2
  jcmd "$ENGINE_PID" GC.heap_info | grep -E 'total|region size|committed, |Metaspace|class space'
}

T0=$(date +%s)
java @"$ROOT/config/jvm.options" @"$ROOT/config/engine.jvm.options" -Xlog:gc:file="$OUT/gc.log" "$@" -jar "$ENGINE_JAR" "$OUT/engine.yaml" > "$OUT/engine.log" 2>&1 &
ENGINE_PID=$!
trap 'kill "$ENGINE_PID" 2>/dev/null || true' EXIT
echo "engine pid $ENGINE_PID, JVM options: @config/jvm.options @config/engine.jvm.options $*"
for _ in $(seq 1 1200); do
  curl -sf "http://127.0.0.1:$PORT/health" > /dev/null 2>&1 && break
  kill -0 "$ENGINE_PID" 2>/dev/null || { echo "engine died:"; tail -20 "$OUT/engine.log"; exit 1; }
  sleep 0.5
done
echo "serving after $(( $(date +%s) - T0 )) s"
grep -E 'user data|serving catalog' "$OUT/engine.log" | sed 's/^.*INFO //'
status "started"
heap
status "after full GC"
jcmd "$ENGINE_PID" GC.class_histogram | head -17 > "$OUT/histogram.txt"
if [[ "${RSS_IDLE_SECONDS:-0}" -gt 0 ]]; then
  sleep 5 # let the full GCs above finish their work
  thread_cpu > "$OUT/cpu-before-idle.txt"
  sleep "$RSS_IDLE_SECONDS"
  cpu_delta "${RSS_IDLE_SECONDS} s idle" "$RSS_IDLE_SECONDS" "$OUT/cpu-before-idle.txt"
fi
if [[ "${RSS_CHANGES:-0}" -gt 0 ]]; then
  python3 "$ROOT/bench/catalog-changes.py" "$WORK/catalog.json" "$ADMIN" bench-admin-token "$RSS_CHANGES" 30
  status "after ${RSS_CHANGES} ad-group changes"
fi
if [[ "$LOAD_SECONDS" -gt 0 ]]; then
  thread_cpu > "$OUT/cpu-before-load.txt"
  java -cp "$BENCH_JAR" io.adengine.bench.BenchMain load --port "$PORT" --requests "$WORK/requests.jsonl" \
    --connections 16 --threads 1 --mode CLOSED --duration "$LOAD_SECONDS" --label rss --out "$OUT" | tail -3
  cpu_delta "the load" "$LOAD_SECONDS" "$OUT/cpu-before-load.txt"
  status "after ${LOAD_SECONDS} s of closed-loop load"
  heap
  status "after load and full GC"
fi
if [[ "${RSS_STORM:-0}" == "1" ]]; then
  [[ "${RSS_SYNC:-0}" == "1" ]] || { echo "RSS_STORM=1 needs RSS_SYNC=1"; exit 2; }
  echo "== sync storm from another process (SyncStormBench --catalog M --seconds ${STORM_SECONDS:-10} --changes-per-second 1000 --requests-per-second 200 --external)"
  java @"$ROOT/config/jvm.options" -Xmx3g -cp "$BENCH_JAR" io.adengine.bench.sync.SyncStormBench --catalog M \
    --seconds "${STORM_SECONDS:-10}" --changes-per-second 1000 --requests-per-second 200 \
    --external "$PORT" "$ADMIN" bench-admin-token --pid "$ENGINE_PID" | grep -v '^\['
  status "after the sync storm"
  grep -cE 'Pause' "$OUT/gc.log" | sed 's/^/collector pauses logged: /'
  grep -E 'Degenerated|Pause Full|Cancelling' "$OUT/gc.log" | head -5 || true
fi
kill "$ENGINE_PID"
wait "$ENGINE_PID" 2>/dev/null || true
trap - EXIT
