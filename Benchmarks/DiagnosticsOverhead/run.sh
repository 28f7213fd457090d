#!/bin/sh
# Diagnostics overhead on W4/W5 (docs/WORKLOADS.md), one run: builds this package in release
# mode twice — with the diagnostics hooks compiled out (-D THREADING_NO_DIAGNOSTICS) and
# as shipped — then runs ROUNDS interleaved rounds of: compiled out, off, checker on,
# tracing on; prints the median (and the range) of each.
set -eu
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-5}
swift build -c release --scratch-path .build-nodiag -Xswiftc -DTHREADING_NO_DIAGNOSTICS >/dev/null
swift build -c release --scratch-path .build-diag >/dev/null
NODIAG=.build-nodiag/release/DiagnosticsOverhead
DIAG=.build-diag/release/DiagnosticsOverhead
out=$(mktemp)
i=0
while [ "$i" -lt "$ROUNDS" ]; do
    $NODIAG off | sed 's/^/compiled-out /' >>"$out"
    $DIAG off | sed 's/^/off /' >>"$out"
    $DIAG checker | sed 's/^/checker /' >>"$out"
    $DIAG tracing | grep -v records | sed 's/^/tracing /' >>"$out"
    i=$((i + 1))
done
for config in compiled-out off checker tracing; do
    for w in W4 W5; do
        stats=$(awk -v c="$config" -v w="$w" '$1 == c && $2 == w { print $3 }' "$out" | sort -g |
            awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[1], a[NR] }')
        unit=$([ "$w" = W4 ] && echo "ns/pair" || echo "increments/s")
        set -- $stats
        printf '%-13s %s median %12.1f  (min %.1f, max %.1f) %s\n' "$config" "$w" "$1" "$2" "$3" "$unit"
    done
done
rm -f "$out"
