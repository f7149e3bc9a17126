#!/usr/bin/env bash
# F10, hostile traffic: admitted p99 and share shed at overload vs normal load, in one run (bench overload),
# against the real engine process (EngineMain, the shipped jar and launcher options) serving a generated
# workload with the engine's default edge settings (admission control on) and the user rate limit off (the
# workload's Zipf users would trip it). Stops the engine it started, by PID, on exit.
#
# usage: bench/overload.sh WORKLOAD_DIR OUT_DIR [more bench overload options, e.g. --duration 10]
# env:   OVERLOAD_PORT (18280), OVERLOAD_ADMIN_PORT (18281),
#        OVERLOAD_MAX_QUEUE_MILLIS (the engine's default when unset; 0 turns admission control off),
#        OVERLOAD_EVENTS=1 (events on: a journal in OUT_DIR/journal, fsync NONE),
#        OVERLOAD_ENGINE_JAVA_OPTS (more JVM options for the engine, e.g. -Xlog:gc:file=/tmp/gc.log),
#        OVERLOAD_ENGINE_CPUS / OVERLOAD_CLIENT_CPUS (taskset CPU lists, e.g. 0 and 1: the engine and the load
#        generator on separate cores, so that the client is not starved of CPU by the engine it overloads)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(cd "$1" && pwd)"
OUT="$2"
shift 2
PORT="${OVERLOAD_PORT:-18280}"
ADMIN="${OVERLOAD_ADMIN_PORT:-18281}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

sed -e "s|^  path: catalog.json|  path: $WORK/catalog.json|" -e "s|publicPort: .*|publicPort: $PORT|" \
    -e "s|adminPort: .*|adminPort: $ADMIN|" "$WORK/engine.yaml" > "$OUT/engine.yaml"
if [[ -n "${OVERLOAD_MAX_QUEUE_MILLIS:-}" ]]; then
  sed -i -e "s|^  maxBodyBytes: .*|&\n  admission:\n    maxQueueMillis: $OVERLOAD_MAX_QUEUE_MILLIS|" "$OUT/engine.yaml"
fi
if [[ "${OVERLOAD_EVENTS:-0}" == "1" ]]; then
  rm -rf "$OUT/journal"
  printf 'events:\n  journalDir: %s/journal\n  fsync: NONE\n' "$OUT" >> "$OUT/engine.yaml"
fi

ENGINE_PID=""
stop() {
  if [[ -n "$ENGINE_PID" ]] && kill -0 "$ENGINE_PID" 2>/dev/null; then
    kill "$ENGINE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$ENGINE_PID" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$ENGINE_PID" 2>/dev/null || true
  fi
}
trap stop EXIT INT TERM

ENGINE_PIN=(); CLIENT_PIN=()
if [[ -n "${OVERLOAD_ENGINE_CPUS:-}" ]]; then ENGINE_PIN=(taskset -c "$OVERLOAD_ENGINE_CPUS"); fi
if [[ -n "${OVERLOAD_CLIENT_CPUS:-}" ]]; then CLIENT_PIN=(taskset -c "$OVERLOAD_CLIENT_CPUS"); fi
(cd "$ROOT" && exec "${ENGINE_PIN[@]}" java @config/jvm.options @config/engine.jvm.options ${OVERLOAD_ENGINE_JAVA_OPTS:-} -jar engine/target/ad-engine.jar "$OUT/engine.yaml") \
  > "$OUT/engine.log" 2>&1 &
ENGINE_PID=$!
for _ in $(seq 1 600); do
  if curl -s -o /dev/null -m 2 "http://127.0.0.1:$PORT/health"; then break; fi
  kill -0 "$ENGINE_PID" 2>/dev/null || { echo "the engine died while starting; see $OUT/engine.log" >&2; exit 1; }
  sleep 0.5
done
echo "== engine $ENGINE_PID up; load average $(cut -d' ' -f1-3 /proc/loadavg); nproc $(nproc)"
"${CLIENT_PIN[@]}" java @"$ROOT/config/jvm.options" -cp "$ROOT/bench/target/benchmarks.jar" io.adengine.bench.BenchMain overload \
  --port "$PORT" --requests "$WORK/requests.jsonl" --out "$OUT" "$@" | tee "$OUT/overload.txt"
echo "== shed by the engine: $(curl -s -H "Authorization: Bearer $(sed -n 's/^  token: //p' "$OUT/engine.yaml")" \
  "http://127.0.0.1:$ADMIN/metrics" | grep -E 'adengine_ad_requests_total\{outcome="(shed|filled|no_fill)"\}' | tr '\n' ' ')"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
