#!/usr/bin/env bash
# Runs the benchmark of docs/benchmarks.md: the ceiling (bench sink) and kubetrace serve (otlp -> batch -> nop),
# each under the same load from `kubetrace bench`, one after the other on the same machine.
#   docs/bench/run.sh                 # both, 30 s measured each
#   DURATION=60s docs/bench/run.sh    # longer
#   TARGETS=serve docs/bench/run.sh   # only kubetrace serve (TARGETS=sink: only the ceiling)
# Extra arguments go to every `kubetrace bench` run (e.g. --gzip, --protocol http, --concurrency 4).
# Results: a table per run on the terminal, JSON in $OUT (default /tmp/kubetrace-bench).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-5s}"
TARGETS="${TARGETS:-sink serve}"
OUT="${OUT:-/tmp/kubetrace-bench}"
mkdir -p "$OUT"

dotnet build -c Release src/Kubetrace -v quiet -nologo >/dev/null
KUBETRACE=src/Kubetrace/bin/Release/net10.0/kubetrace

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, .NET $(dotnet --version)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Starts a server in the background, waits until its gRPC port answers, runs the generator against it, stops it.
measure() {
  local name="$1" port="$2"; shift 2
  "$@" >"$OUT/$name.server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  echo
  echo "== $name (server pid $pid)"
  "$KUBETRACE" bench --endpoint "127.0.0.1:$port" --duration "$DURATION" --warmup "$WARMUP" --server-pid "$pid" \
    --json-file "$OUT/$name.json" "${EXTRA[@]}" 2>/dev/null | tee "$OUT/$name.txt" || true
  kill -TERM "$pid"
  wait "$pid" || true
}

EXTRA=("$@")
port_for() { if [[ " ${EXTRA[*]} " == *" --protocol http "* ]]; then echo "$2"; else echo "$1"; fi; }

for target in $TARGETS; do
  case "$target" in
    sink)  measure sink "$(port_for 4327 4328)" "$KUBETRACE" bench sink --endpoint 127.0.0.1:4327 --http-endpoint 127.0.0.1:4328 ;;
    serve) measure serve "$(port_for 4317 4318)" "$KUBETRACE" serve --config docs/bench/nop.yaml ;;
    *) echo "unknown target $target (sink or serve)" >&2; exit 2 ;;
  esac
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
