#!/usr/bin/env bash
# Issue 11's benchmark: what TLS, authentication and encryption at rest cost, each beside the plain figure, in one run.
# Each mode starts `kubetrace serve` (OTLP/gRPC receiver -> kubetrace embedded store, acknowledged once durable, and
# the query port), loads it with `kubetrace bench` for DURATION (ingest spans/s, server CPU), then measures trace-by-ID
# and search latency over the query port with `kubetrace bench query` (one request at a time, QUERIES of each):
#   plain       no TLS, no authentication, plaintext store
#   tls         TLS on the receiver and on the query port (a private CA and an ECDSA P-256 server certificate)
#   mtls        as tls, and the receiver requires a client certificate from that CA
#   auth        bearertokenauth on the receiver and on the query port, no TLS
#   encryption  encryption at rest (AES-256-GCM, one random key), no TLS, no authentication
#
#   docs/bench/trust/run.sh                                  # every mode, 30 s of load each
#   DURATION=60s MODES="plain tls" docs/bench/trust/run.sh
# Extra arguments go to every `kubetrace bench` load run (e.g. --connections 8). Ports: PORT_BASE (24317) to +3.
# Results: one table at the end; each mode's output and the servers' logs in $OUT (default /tmp/kubetrace-bench-trust).
set -euo pipefail
cd "$(dirname "$0")/../../.."

DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-5s}"
MODES="${MODES:-plain tls mtls auth encryption}"
QUERIES="${QUERIES:-200}"
PORT_BASE="${PORT_BASE:-24317}"
OUT="${OUT:-/tmp/kubetrace-bench-trust}"
EXTRA=("$@")
mkdir -p "$OUT"
GRPC=$PORT_BASE QUERY=$((PORT_BASE + 1)) TEMPO=$((PORT_BASE + 2)) METRICS=$((PORT_BASE + 3))

dotnet build -c Release src/Kubetrace -v quiet -nologo >/dev/null
KUBETRACE=src/Kubetrace/bin/Release/net10.0/kubetrace

work="$(mktemp -d /tmp/kubetrace-bench-trust.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# Credentials made for this run only.
(
  cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench-ca -keyout ca.key -out ca.crt 2>/dev/null
  for who in server client; do
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=bench-$who" -keyout $who.key -out $who.csr 2>/dev/null
  done
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out server.crt \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') 2>/dev/null
  openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out client.crt \
    -extfile <(printf 'extendedKeyUsage=clientAuth\n') 2>/dev/null
  head -c 32 /dev/urandom | base64 > store.key
  head -c 32 /dev/urandom | base64 | tr -d '/+=' > token
  chmod 600 ./*.key token
)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, .NET $(dotnet --version)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# The config of one mode: $1 = mode, $2 = data folder.
config() {
  local mode="$1" data="$2" tls="" client_ca="" auth="" encryption="" extensions="kubetrace_query" authenticator=""
  case "$mode" in
    tls|mtls) tls="tls: { cert_file: $work/server.crt, key_file: $work/server.key }" ;;
    auth)
      auth="auth: { authenticator: bearertokenauth }"
      authenticator="bearertokenauth: { filename: $work/token }"
      extensions="kubetrace_query, bearertokenauth" ;;
    encryption) encryption="encryption: { keys: [ { id: bench, key_file: $work/store.key } ] }" ;;
  esac
  [[ "$mode" == mtls ]] && client_ca="tls: { cert_file: $work/server.crt, key_file: $work/server.key, client_ca_file: $work/ca.crt }"
  cat <<YAML
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:$GRPC
        ${client_ca:-$tls}
        $auth
exporters:
  kubetrace:
    path: $data
    $encryption
extensions:
  $authenticator
  kubetrace_query:
    endpoint: 127.0.0.1:$QUERY
    tempo_endpoint: 127.0.0.1:$TEMPO
    $tls
    $auth
service:
  extensions: [$extensions]
  telemetry:
    metrics:
      address: 127.0.0.1:$METRICS
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [kubetrace]
YAML
}

declare -A INGEST QUERY_LINES
for mode in $MODES; do
  case "$mode" in plain|tls|mtls|auth|encryption) ;; *) echo "unknown mode $mode (plain, tls, mtls, auth, encryption)" >&2; exit 2 ;; esac
  data="$work/data-$mode"
  config "$mode" "$data" > "$work/$mode.yaml"
  scheme=http client=() query_client=()
  case "$mode" in
    tls) scheme=https; client=(--ca-file "$work/ca.crt"); query_client=(--ca-file "$work/ca.crt") ;;
    mtls) scheme=https; client=(--ca-file "$work/ca.crt" --cert-file "$work/client.crt" --key-file "$work/client.key"); query_client=(--ca-file "$work/ca.crt") ;;
    auth) client=(--token-file "$work/token"); query_client=(--token-file "$work/token") ;;
  esac
  "$KUBETRACE" serve --config "$work/$mode.yaml" >"$OUT/$mode.server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do grep -q "Everything is ready" "$OUT/$mode.server.log" && break; sleep 0.1; done
  echo
  echo "== $mode (server pid $pid)"
  "$KUBETRACE" bench --endpoint "$scheme://127.0.0.1:$GRPC" "${client[@]}" --duration "$DURATION" --warmup "$WARMUP" \
    --server-pid "$pid" --json-file "$OUT/$mode.json" "${EXTRA[@]}" 2>/dev/null | tee "$OUT/$mode.txt" || true
  "$KUBETRACE" bench query --server "$scheme://127.0.0.1:$QUERY" "${query_client[@]}" --requests "$QUERIES" | tee "$OUT/$mode.query.txt" || true
  INGEST[$mode]="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); a=r["acceptedSpansPerSecond"]; c=r.get("spansPerServerCoreSecond") or 0; print(f"{a:,.0f} | {c:,.0f}")' "$OUT/$mode.json" 2>/dev/null || echo "? | ?")"
  QUERY_LINES[$mode]="$(tr '\n' ' ' < "$OUT/$mode.query.txt")"
  kill -TERM "$pid"
  wait "$pid" || true
  rm -rf "$data"
done

echo
echo "| mode | ingest spans/s (accepted) | spans/s per server core | trace by ID and search latency (one at a time) |"
echo "|---|---|---|---|"
for mode in $MODES; do echo "| $mode | ${INGEST[$mode]} | ${QUERY_LINES[$mode]} |"; done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
