#!/usr/bin/env bash
# Fill rate of other users before, during and after a 10 s flood from one client (one GAID), issue 12.
# Prepare /tmp/flood first: cp -r <workload-M folder> /tmp/flood/wl; in wl/engine.yaml drop the userRateLimit lines (defaults:
# 5 requests/s, burst 30) and append "events:\n  journalDir: /tmp/flood/journal"; write others.jsonl (requests.jsonl with a random GAID each)
# and flood.jsonl (one request, one GAID). Every process it starts is stopped by PID on exit.
set -u
cd "$(dirname "$0")/../.."
B=(java @config/jvm.options -cp bench/target/benchmarks.jar io.adengine.bench.BenchMain)
java @config/jvm.options @config/engine.jvm.options -jar engine/target/ad-engine.jar /tmp/flood/wl/engine.yaml > /tmp/flood/engine.log 2>&1 &
EP=$!
trap 'kill $EP 2>/dev/null; wait $EP 2>/dev/null' EXIT
for i in $(seq 1 120); do curl -sf http://127.0.0.1:18080/health >/dev/null && break; sleep 1; done
others() { "${B[@]}" load --port 18080 --requests /tmp/flood/others.jsonl --mode OPEN --rate 2000 --connections 64 --duration "$1" --label "$2" --out /tmp/flood/out 2>&1 | grep "^label=" | grep -o "label=[^ ]*\|throughput=[^ ]*\|fillRate=[^ ]*\|status204=[^ ]*\|status503=[^ ]*\|p99ms=[^ ]*" | tr '\n' ' '; echo; }
others 10 warm > /dev/null
echo "before: $(others 5 before)"
WRK_STATUSES=1 wrk -t1 -c64 -d12s -s bench/wrk/rotate-bodies.lua http://127.0.0.1:18080 -- /tmp/flood/flood.jsonl > /tmp/flood/wrk.txt 2>&1 &
WP=$!
sleep 1
echo "during (flood from one GAID): $(others 10 during)"
wait $WP
echo "flood: $(grep -E 'Requests/sec|statuses' /tmp/flood/wrk.txt | tr '\n' ' ')"
echo "0-5 s after: $(others 5 after1)"
echo "5-10 s after: $(others 5 after2)"
