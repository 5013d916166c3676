#!/usr/bin/env bash
# The Distributed Map workload at scale (the `distributed_map` example): JSONL items from
# the object store on disk, EXPRESS children of three states, MaxConcurrency 10,000,
# ResultWriter on. Prints each run's wall time and peak RSS, then the medians.
#
#   benches/distributed_map.sh [RUNS]     (default 3 runs of 1M, 1 of 10M, 3 redrives)
#
# Needs GNU time (/usr/bin/time) for the peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
cargo build --release --quiet --example distributed_map
bin=target/release/examples/distributed_map
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# One run: prints "<seconds of the workload> <peak RSS in MiB> [redrive seconds] [redrive %]".
measure() {
    /usr/bin/time -f "rss_kb %M" "$bin" "$@" >"$out" 2>&1
    local secs rss redrive share
    secs=$(grep -oE '^[0-9]+ items: [0-9.]+' "$out" | awk '{print $3}')
    rss=$(awk '/^rss_kb/ {printf "%.0f", $2 / 1024}' "$out")
    redrive=$(grep -oE '^redrive: [0-9.]+' "$out" | awk '{print $2}' || true)
    share=$(grep -oE '[0-9.]+% of the first run' "$out" | awk '{sub("%", "", $1); print $1}' || true)
    echo "$secs $rss $redrive $share"
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

run_many() {
    local label=$1 n=$2
    shift 2
    local results=()
    for _ in $(seq "$n"); do
        r=$(measure "$@")
        echo "  $label: $r" >&2
        results+=("$r")
    done
    printf '%s\n' "${results[@]}"
}

echo "1M items ($runs runs): seconds, peak RSS MiB" >&2
one=$(run_many 1M "$runs" 1000000)
echo "10M items (1 run): seconds, peak RSS MiB" >&2
ten=$(run_many 10M 1 10000000)
echo "1M items, 1% failing, then redriven ($runs runs): first s, RSS, redrive s, share" >&2
again=$(run_many redrive "$runs" 1000000 --redrive)

echo
echo "1M items:  median $(echo "$one" | awk '{print $1}' | median) s, peak RSS $(echo "$one" | awk '{print $2}' | median) MiB"
echo "10M items: $(echo "$ten" | awk '{print $1}') s, peak RSS $(echo "$ten" | awk '{print $2}') MiB"
echo "redrive after 1% failed (1M): median $(echo "$again" | awk '{print $3}' | median) s, $(echo "$again" | awk '{print $4}' | median)% of the first run"
