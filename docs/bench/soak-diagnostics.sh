#!/usr/bin/env bash
# The 2R soak of docs/benchmarks.md ("Soak at twice the sustainable rate") with diagnostics beside it:
# dotnet-counters (System.Runtime, every 5 s) and /proc/PID/smaps copied each minute, all in OUT.
#   usage: docs/bench/soak-diagnostics.sh OUT SECONDS RATE
# Release build first (dotnet build -c Release Kubetrace.slnx); dotnet-counters from `dotnet tool install -g dotnet-counters`.
# Ports 31317/31686/31888 (moved with --set), store in /tmp/kubetrace-soak; extra serve flags in $EXTRA.
set -u
cd "$(dirname "$0")/../.."
OUT=$1; DUR=$2; RATE=$3
K="dotnet src/Kubetrace/bin/Release/net10.0/kubetrace.dll"
COUNTERS=${COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}
rm -rf "$OUT" /tmp/kubetrace-soak; mkdir -p "$OUT"
SETS="${EXTRA:-} --set receivers::otlp::protocols::grpc::endpoint=127.0.0.1:31317 --set extensions::kubetrace_query::endpoint=127.0.0.1:31686 --set service::telemetry::metrics::address=127.0.0.1:31888"
$K serve --config docs/bench/soak.yaml $SETS > "$OUT/serve.log" 2>&1 & PID=$!
sleep 8
"$COUNTERS" collect -p $PID --refresh-interval 5 --counters System.Runtime --format csv -o "$OUT/counters.csv" > "$OUT/counters.log" 2>&1 & CPID=$!
( for i in $(seq 1 $((DUR / 60))); do sleep 60; cp /proc/$PID/smaps "$OUT/smaps.$i"; done ) &
$K bench soak --endpoint 127.0.0.1:31317 --exporters 8 --concurrency 8 --rate "$RATE" --duration "${DUR}s" \
  --server-pid $PID --query-url http://127.0.0.1:31686 --metrics-url http://127.0.0.1:31888/metrics > "$OUT/soak.tsv" 2> "$OUT/soak.err"
grep VmHWM /proc/$PID/status > "$OUT/hwm.txt"
kill $CPID; kill $PID; wait $PID
# RSS percentiles of the 1 s samples:
awk '$1 ~ /^[0-9]+$/ {print $2}' "$OUT/soak.tsv" | sort -n | awk '{a[NR]=$1} END {print "samples", NR, "median", a[int(NR/2)], "p90", a[int(NR*0.9)], "p99", a[int(NR*0.99)], "max", a[NR], "MiB"}'
