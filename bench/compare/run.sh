#!/bin/bash
# Before/after: W1–W5, W7, W8 of two commits, built -c release and run interleaved.
#   bash bench/compare/run.sh BEFORE AFTER [ROUNDS] [REPETITIONS]
# e.g. bash bench/compare/run.sh a6c798a HEAD 16 5
# Prints medians with their p25–p75 and after vs before (above 1: after is better).
# Run it on an idle machine: this VM's figures swing by 2× between single runs.
set -euo pipefail
before=${1:?usage: run.sh BEFORE AFTER [ROUNDS] [REPETITIONS]}
after=${2:?usage: run.sh BEFORE AFTER [ROUNDS] [REPETITIONS]}
rounds=${3:-8}
repetitions=${4:-5}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
work=$(mktemp -d)
cleanup() {
    git -C "$repo" worktree remove --force "$work/before" 2>/dev/null || true
    git -C "$repo" worktree remove --force "$work/after" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
for side in before after; do
    rev=${!side}
    git -C "$repo" worktree add --detach "$work/$side" "$rev" >/dev/null
    echo "building $side ($rev)…" >&2
    THREADING_PATH="$work/$side" swift build -c release --package-path "$here" \
        --scratch-path "$work/build-$side" >/dev/null
done
for round in $(seq "$rounds"); do
    echo "round $round of $rounds…" >&2
    for side in before after; do
        "$work/build-$side/release/compare" "$repetitions" >>"$work/$side.jsonl"
    done
done
python3 - "$work/before.jsonl" "$work/after.jsonl" "$before" "$after" <<'PY'
import json, statistics, sys
def load(path):
    figures = {}
    for line in open(path):
        for key, values in json.loads(line).items():
            figures.setdefault(key, []).extend(values)
    return figures
before, after = load(sys.argv[1]), load(sys.argv[2])
units = {"W1": "tasks/s", "W2": "items/s", "W3": "items/s", "W4": "ns/pair",
         "W5": "increments/s", "W7": "tasks/s", "W8": "µs/round trip"}
lower_is_better = {"W4", "W8"}
def fmt(v):
    return f"{v/1e6:.2f} M" if v >= 1e6 else f"{v/1e3:.1f} k" if v >= 1e4 else f"{v:.3g}"
n = len(before["W1"])
print(f"| workload | unit | before {sys.argv[3]}: median [p25–p75] of {n} | after {sys.argv[4]} | after vs before (>1: after better) |")
print("|---|---|---|---|---|")
for key in units:
    b, a = before[key], after[key]
    qb, qa = statistics.quantiles(b, n=4), statistics.quantiles(a, n=4)
    mb, ma = statistics.median(b), statistics.median(a)
    lead = mb / ma if key in lower_is_better else ma / mb
    print(f"| {key} | {units[key]} | {fmt(mb)} [{fmt(qb[0])}–{fmt(qb[2])}] | {fmt(ma)} [{fmt(qa[0])}–{fmt(qa[2])}] | {lead:.2f} |")
PY
