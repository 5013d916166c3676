#!/usr/bin/env bash
# `sfn serve` measured over HTTP by `sfn bench --endpoint`, client and server on this
# machine: StartSyncExecution of a 10-Pass EXPRESS machine, and StartExecution then
# DescribeExecution (until it has ended) of the same as STANDARD. Each run starts a fresh
# server; prints per kind the medians of RUNS runs (default 5): throughput, execution and
# request latencies, the server's CPU time per execution and its peak RSS.
#
#   benches/server.sh [RUNS] [CONNECTIONS]
#
# Linux only (reads /proc); needs python3 for the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
connections="${2:-8}"
cargo build --release --quiet --bin sfn
sfn=target/release/sfn
out=$(mktemp -d)
server=
stop() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; server=; }
trap 'stop; rm -rf "$out"' EXIT
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

for i in $(seq "$runs"); do
    for kind in EXPRESS STANDARD; do
        executions=100000
        [ "$kind" = STANDARD ] && executions=40000
        "$sfn" serve --port 0 2>"$out/serve.log" &
        server=$!
        for _ in $(seq 100); do grep -q listening "$out/serve.log" && break; sleep 0.05; done
        url=$(grep -o 'http://127.0.0.1:[0-9]*' "$out/serve.log")
        before=$(cpu_ticks "$server")
        "$sfn" bench pass-chain --items 10 --type "$kind" --endpoint "$url" \
            --executions "$executions" --concurrency "$connections" \
            --out "$out/$kind-$i.json" >/dev/null
        after=$(cpu_ticks "$server")
        rss=$(awk '/VmHWM/ {print $2 * 1024}' "/proc/$server/status")
        echo "{\"server_cpu_ticks\": $((after - before)), \"ticks_per_second\": $(getconf CLK_TCK), \"server_peak_rss_bytes\": $rss}" \
            >"$out/$kind-$i.server.json"
        stop
    done
done

python3 - "$out" <<'PY'
import glob, json, statistics, sys
out = sys.argv[1]
for kind in ["EXPRESS", "STANDARD"]:
    runs = []
    for f in sorted(glob.glob(f"{out}/{kind}-*.json")):
        if f.endswith(".server.json"):
            continue
        report = json.load(open(f))
        server = json.load(open(f.replace(".json", ".server.json")))
        runs.append((report["phases"][0], server))
    med = lambda f: statistics.median(f(p, s) for p, s in runs)
    lat = lambda k, q: med(lambda p, s: p["latency"][k][q])
    per_exec = med(lambda p, s: s["server_cpu_ticks"] / s["ticks_per_second"]
                   / p["executions"]["succeeded"] * 1e6)
    requests = med(lambda p, s: p["latency"]["request"]["count"] / p["executions"]["started"])
    print(f"{kind}: {med(lambda p, s: p['throughput']['executions_per_second']):.0f} executions/s "
          f"({requests:.2f} requests each), execution p50 {lat('execution', 'p50_us'):.0f} µs "
          f"p99 {lat('execution', 'p99_us'):.0f} µs, request p50 {lat('request', 'p50_us'):.0f} µs "
          f"p99 {lat('request', 'p99_us'):.0f} µs, server CPU {per_exec:.0f} µs per execution, "
          f"server peak RSS {med(lambda p, s: s['server_peak_rss_bytes']) / 2**20:.0f} MiB")
PY
