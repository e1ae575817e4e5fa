#!/usr/bin/env bash
# Issue 10's memory per query: the widest searches of each API against `kubetrace serve` over a filled store, one at a
# time, each with the server's peak RSS reset before it (/proc/<pid>/clear_refs) and its bytes allocated read from its
# own metrics (otelcol_process_runtime_total_alloc_bytes) before and after.
#   native  /api/v1/search?start=0&end=2^63-1&limit=10000&spans=1000
#   jaeger  /api/traces?start=0&end=<2^63-1 ns in µs>&limit=10000
#   tempo   /api/search?q={}&limit=10000&spss=1000
#
#   docs/bench/search-memory/run.sh                               # load SPANS spans, then measure this tree's build
#   BEFORE=/work/main/src/Kubetrace/bin/Release/net10.0/kubetrace docs/bench/search-memory/run.sh   # and that build too
#   QUERY_KEYS="max_bytes_per_query: 256MiB" docs/bench/search-memory/run.sh   # kubetrace_query keys for every server
# The store is loaded once (`kubetrace bench` at RATE spans/s for SPANS spans) by this tree's build, and each build
# measured reads a copy of it. Ports: PORT_BASE (25317) to +3. Output and server logs in $OUT.
set -euo pipefail
cd "$(dirname "$0")/../../.."

SPANS="${SPANS:-500000}"
RATE="${RATE:-25000}"
QUERY_KEYS="${QUERY_KEYS:-}"
PORT_BASE="${PORT_BASE:-25317}"
OUT="${OUT:-/tmp/kubetrace-bench-search-memory}"
mkdir -p "$OUT"
GRPC=$PORT_BASE QUERY=$((PORT_BASE + 1)) TEMPO=$((PORT_BASE + 2)) METRICS=$((PORT_BASE + 3))

dotnet build -c Release src/Kubetrace -v quiet -nologo >/dev/null
AFTER="$PWD/src/Kubetrace/bin/Release/net10.0/kubetrace"

work="$(mktemp -d /tmp/kubetrace-bench-search-memory.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, .NET $(dotnet --version)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

config() { # $1 = data folder
  cat <<YAML
receivers:
  otlp: { protocols: { grpc: { endpoint: "127.0.0.1:$GRPC" } } }
exporters:
  kubetrace: { path: "$1" }
extensions:
  kubetrace_query:
    endpoint: 127.0.0.1:$QUERY
    tempo_endpoint: 127.0.0.1:$TEMPO
    $QUERY_KEYS
service:
  extensions: [kubetrace_query]
  telemetry: { metrics: { address: 127.0.0.1:$METRICS } }
  pipelines: { traces: { receivers: [otlp], exporters: [kubetrace] } }
YAML
}

start() { # $1 = binary, $2 = data folder, $3 = log; sets pid
  config "$2" > "$work/config.yaml"
  "$1" serve --config "$work/config.yaml" >"$3" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do grep -q "Everything is ready" "$3" && return; sleep 0.1; done
  echo "the server did not start: $3" >&2; exit 1
}

stop() {
  kill -TERM "$pid"
  wait "$pid" || true
}

allocated() { curl -s "http://127.0.0.1:$METRICS/metrics" | awk '/^otelcol_process_runtime_total_alloc_bytes/{print $2}' | head -1; }
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }

measure() { # $1 = build name, $2 = api, $3 = url
  local before after answer
  echo 5 > "/proc/$pid/clear_refs" # peak RSS := current RSS
  local rss_before; rss_before=$(kib VmRSS)
  before=$(allocated)
  answer=$(curl -s -D "$work/headers" -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$3")
  after=$(allocated)
  local incomplete; incomplete=$(awk -F': ' 'tolower($1) == "kubetrace-incomplete" {gsub("\r", "", $2); print $2}' "$work/headers")
  read -r code bytes seconds <<<"$answer"
  printf '%-8s %-7s %4s %12s B answer %8.1f s  allocated %9.1f MiB  peak RSS %7.1f MiB (%+.1f over %7.1f MiB before)  %s\n' \
    "$1" "$2" "$code" "$bytes" "$seconds" "$(echo "($after - $before) / 1048576" | bc -l)" \
    "$(echo "$(kib VmHWM) / 1024" | bc -l)" "$(echo "($(kib VmHWM) - $rss_before) / 1024" | bc -l)" "$(echo "$rss_before / 1024" | bc -l)" \
    "${incomplete:+incomplete: $incomplete}" | tee -a "$OUT/results.txt"
}

# Load once.
start "$AFTER" "$work/data" "$OUT/load.server.log"
"$AFTER" bench --endpoint "http://127.0.0.1:$GRPC" --rate "$RATE" --duration "$((SPANS / RATE))s" --warmup 0s >"$OUT/load.txt" 2>&1 || true
stored=$(curl -s "http://127.0.0.1:$QUERY/api/v1/stats")
stop
echo "store: $stored"

: > "$OUT/results.txt"
builds=(after "$AFTER")
[[ -n "${BEFORE:-}" ]] && builds=(before "$BEFORE" "${builds[@]}")
end_us=$((9223372036854775807 / 1000))
for ((i = 0; i < ${#builds[@]}; i += 2)); do
  name=${builds[i]} binary=${builds[i + 1]}
  rm -rf "$work/copy" && cp -r "$work/data" "$work/copy"
  start "$binary" "$work/copy" "$OUT/$name.server.log"
  measure "$name" native "http://127.0.0.1:$QUERY/api/v1/search?start=0&end=9223372036854775807&limit=10000&spans=1000"
  measure "$name" jaeger "http://127.0.0.1:$QUERY/api/traces?start=0&end=$end_us&limit=10000"
  measure "$name" tempo "http://127.0.0.1:$TEMPO/api/search?q=%7B%7D&limit=10000&spss=1000"
  stop
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
