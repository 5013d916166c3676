#!/usr/bin/env bash
# Each named `sfn bench` workload, RUNS times (default 3): prints per workload the median
# wall time, throughput, p50/p99 latencies and peak RSS of its runs.
#
#   benches/sfn_bench.sh [RUNS]
#
# Needs python3 for the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
cargo build --release --quiet --bin sfn
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

workload() {
    local name=$1
    shift
    for i in $(seq "$runs"); do
        # 99: a --threshold was missed; the run's figures are still printed.
        target/release/sfn bench "$name" "$@" --out "$out/$name-$i.json" >/dev/null || [ $? -eq 99 ]
    done
    python3 - "$out" "$name" "$*" <<'PY'
import glob, json, statistics, sys
out, name, args = sys.argv[1:4]
reports = [json.load(open(f)) for f in sorted(glob.glob(f"{out}/{name}-*.json"))]
for i, phase in enumerate(reports[0]["phases"]):
    ps = [r["phases"][i] for r in reports]
    med = lambda f: statistics.median(f(p) for p in ps)
    lat = lambda kind, q: med(lambda p: p["latency"][kind][q])
    kind = "map_item" if ps[0]["latency"]["map_item"]["count"] else "execution"
    print(f"{name} {args} [{phase['name']}]: {med(lambda p: p['wall_seconds']):.3f} s, "
          f"{med(lambda p: p['throughput']['executions_per_second']):.0f} executions/s, "
          f"{med(lambda p: p['throughput']['transitions_per_second']):.0f} transitions/s, "
          f"{med(lambda p: p['throughput']['items_per_second']):.0f} items/s, "
          f"{kind} p50 {lat(kind, 'p50_us'):.0f} µs p99 {lat(kind, 'p99_us'):.0f} µs, "
          f"peak RSS {statistics.median(r['peak_rss_bytes'] or 0 for r in reports) / 2**20:.0f} MiB")
failed = sorted({t["threshold"] for r in reports for t in r.get("thresholds", []) if not t["passed"]})
if failed:
    print(f"  thresholds missed in some run: {', '.join(failed)}")
PY
}

workload pass-chain --executions 100000
workload inline-map --executions 100000
# An open-model ramp to 5,000 executions/s over 20 s, gated on its latency and failures.
workload pass-chain --items 10 --rate 100:5000 --ramp 20s --threshold 'execution.p99<100ms' --threshold 'failed<0.1%'
workload parallel --executions 100000
workload distributed-map --items 1000000
workload redrive --items 1000000
