#!/usr/bin/env bash
# Measures each pipeline processor beside batch -> nop under the same `kubetrace bench` load, one after the other:
# the nop pipeline first (docs/bench/nop.yaml), then every docs/bench/processors/*.yaml.
#   docs/bench/processors/run.sh                        # 5 s warm-up + 20 s each
#   DURATION=30s ONLY="redaction tail_sampling" docs/bench/processors/run.sh
#   PORT=24317 METRICS_PORT=28888 ...                  # the ports every config is moved to (a shared machine)
#   KUBETRACE=/tmp/base/kubetrace LABEL=base ...        # another build (not built here); results named base-*
# Results: a table per run on the terminal, JSON in $OUT (default /tmp/kubetrace-bench-processors).
set -euo pipefail
cd "$(dirname "$0")/../../.."

DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-5s}"
OUT="${OUT:-/tmp/kubetrace-bench-processors}"
PORT="${PORT:-24317}"
METRICS_PORT="${METRICS_PORT:-28888}"
mkdir -p "$OUT"
PREFIX="${LABEL:+$LABEL-}"
if [[ -n "${KUBETRACE:-}" ]]; then K="$KUBETRACE"; else
  dotnet build -c Release src/Kubetrace -v quiet -nologo >/dev/null
  K=src/Kubetrace/bin/Release/net10.0/kubetrace
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"

measure() {
  local name="$PREFIX$1" config="$OUT/$PREFIX$1.yaml"
  sed -e "s/127.0.0.1:4317/127.0.0.1:$PORT/; s/127.0.0.1:8888/127.0.0.1:$METRICS_PORT/; /127.0.0.1:4318/d; /^      http:$/d" "$2" >"$config"
  "$K" serve --config "$config" >"$OUT/$name.server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
  echo; echo "== $name (load average $(cut -d' ' -f1 /proc/loadavg))"
  "$K" bench --endpoint "127.0.0.1:$PORT" --duration "$DURATION" --warmup "$WARMUP" --server-pid "$pid" \
    --json-file "$OUT/$name.json" 2>/dev/null | tee "$OUT/$name.txt" || true
  curl -s "127.0.0.1:$METRICS_PORT/metrics" | grep -E '^otelcol_(processor_(accepted|dropped)_spans|exporter_sent_spans)' >"$OUT/$name.metrics" || true
  kill -TERM "$pid"; wait "$pid" || true
}

measure nop docs/bench/nop.yaml
for config in docs/bench/processors/*.yaml; do
  name="$(basename "$config" .yaml)"
  if [[ -n "${ONLY:-}" && " $ONLY " != *" $name "* ]]; then continue; fi
  measure "$name" "$config"
done
