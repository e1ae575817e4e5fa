#!/usr/bin/env bash
# Runs the benchmark of docs/benchmarks.md: the ceiling (bench sink) and kubetrace serve (otlp -> batch -> nop),
# each under the same load from `kubetrace bench`, one after the other on the same machine.
#   docs/bench/run.sh                 # both, 30 s measured each
#   DURATION=60s docs/bench/run.sh    # longer
#   TARGETS=serve docs/bench/run.sh   # only kubetrace serve (TARGETS=sink: only the ceiling)
#   TARGETS=store docs/bench/run.sh   # kubetrace serve with no arguments: otlp -> embedded store, acknowledged
#                                     # once durable (fsync'd WAL), data in a fresh temporary folder; also samples
#                                     # the store's head backlog (/api/v1/stats) during the run
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
  local sampler=""
  if [[ "$name" == store ]]; then sample_stats "$OUT/store.stats.jsonl" & sampler=$!; fi
  "$KUBETRACE" bench --endpoint "127.0.0.1:$port" --duration "$DURATION" --warmup "$WARMUP" --server-pid "$pid" \
    --json-file "$OUT/$name.json" "${EXTRA[@]}" 2>/dev/null | tee "$OUT/$name.txt" || true
  if [[ -n "$sampler" ]]; then
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    report_backlog "$OUT/store.stats.jsonl"
  fi
  kill -TERM "$pid"
  wait "$pid" || true
}

# The store's stats every 2 s: spans, blocks, and head spans (live head + frozen heads not yet written as blocks).
sample_stats() {
  : >"$1"
  while sleep 2; do
    curl -s --max-time 1 http://127.0.0.1:16686/api/v1/stats >>"$1" && echo >>"$1" || true
  done
}

# Indexing keeps up when the head spans stay bounded (a live head plus at most the frozen heads being written,
# cut at 500k spans each) while the stored spans grow.
report_backlog() {
  python3 - "$1" <<'PY' || true
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
if rows:
    heads = [r.get("headSpans", 0) for r in rows]
    print(f"store: {rows[-1].get('spans', 0):,} spans, {rows[-1].get('blocks', 0)} blocks at the end; head spans (not yet in blocks) "
          f"max {max(heads):,}, last {heads[-1]:,} over {len(rows)} samples every 2 s; "
          f"{rows[-1].get('blockBytesPerSpan', 0):.1f} B/span in blocks")
PY
}

EXTRA=("$@")
port_for() { if [[ " ${EXTRA[*]} " == *" --protocol http "* ]]; then echo "$2"; else echo "$1"; fi; }

for target in $TARGETS; do
  case "$target" in
    sink)  measure sink "$(port_for 4327 4328)" "$KUBETRACE" bench sink --endpoint 127.0.0.1:4327 --http-endpoint 127.0.0.1:4328 ;;
    serve) measure serve "$(port_for 4317 4318)" "$KUBETRACE" serve --config docs/bench/nop.yaml ;;
    store)
      data="$(mktemp -d /tmp/kubetrace-bench-serve-store.XXXXXX)"
      KUBETRACE_DATA="$data" measure store "$(port_for 4317 4318)" "$KUBETRACE" serve
      echo "store on disk: $(du -sh "$data" | cut -f1) in $data (removed)"
      rm -rf "$data" ;;
    *) echo "unknown target $target (sink, serve or store)" >&2; exit 2 ;;
  esac
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
