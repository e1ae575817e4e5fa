#!/usr/bin/env bash
# kubetrace bench clickhouse on one ClickHouse server, then on a two-shard cluster of two servers (Debian's
# clickhouse-server, 18.16), each started here on free loopback ports with a temporary folder and stopped (by its
# PID) at the end. Usage: SPANS=1000000 docs/bench/clickhouse/run.sh  (Release build of src/Kubetrace first).
# COMPRESSION=zstd writes every part with zstd instead of the server's default LZ4 (on 18.16 the method is a server
# setting, not a column codec: docs/storage.md, "Bytes per span"). PORT_BASE picks the servers' ports (PORT_BASE+1..
# for HTTP, PORT_BASE+101.. for TCP). SHARDS=no runs the one server only, SINGLE=no the two shards only. The servers' PIDs go to the benchmark, which reports their CPU per span beside
# Kubetrace's (from /proc/<pid>/stat).
set -euo pipefail
SPANS=${SPANS:-1000000}
RUNS=${RUNS:-3}
COMPRESSION=${COMPRESSION:-lz4}
PORT_BASE=${PORT_BASE:-38122}
EXTRA=${EXTRA:-}  # more options of bench clickhouse, e.g. EXTRA=--ingest-only or --skip-scan
KUBETRACE=${KUBETRACE:-dotnet src/Kubetrace/bin/Release/net10.0/kubetrace.dll}
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# start NAME HTTP TCP [REMOTE_SERVERS_XML]: one server, its folder under /tmp/kubetrace-clickhouse-bench-NAME
start() {
  local dir=/tmp/kubetrace-clickhouse-bench-$1
  rm -rf "$dir" && mkdir -p "$dir"
  cat > "$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/server.log</log><errorlog>$dir/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host><http_port>$2</http_port><tcp_port>$3</tcp_port>
  <path>$dir/data/</path><tmp_path>$dir/tmp/</tmp_path><user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size><timezone>UTC</timezone>
  <compression><case><min_part_size>0</min_part_size><min_part_size_ratio>0</min_part_size_ratio><method>$COMPRESSION</method></case></compression>
  ${4:-}
</yandex>
XML
  cat > "$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  /usr/sbin/clickhouse-server --config-file="$dir/config.xml" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$2/ping" >/dev/null && return 0; sleep 0.5; done
  echo "clickhouse-server $1 did not start" >&2; exit 1
}

if [ "${SINGLE:-yes}" != no ]; then
echo "== one server (load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
start single $((PORT_BASE + 1)) $((PORT_BASE + 101))
$KUBETRACE bench clickhouse --endpoint http://127.0.0.1:$((PORT_BASE + 1)) --spans "$SPANS" --runs "$RUNS" --server-pid "${pids[@]}" $EXTRA
cleanup; pids=()
fi

[ "${SHARDS:-yes}" = no ] && exit 0
echo "== two shards (load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
tcp1=$((PORT_BASE + 102)) tcp2=$((PORT_BASE + 103)) http1=$((PORT_BASE + 2)) http2=$((PORT_BASE + 3))
remote="<remote_servers><bench><shard><replica><host>127.0.0.1</host><port>$tcp1</port></replica></shard><shard><replica><host>127.0.0.1</host><port>$tcp2</port></replica></shard></bench></remote_servers>"
start shard1 $http1 $tcp1 "$remote"
start shard2 $http2 $tcp2 "$remote"
$KUBETRACE bench clickhouse --endpoint http://127.0.0.1:$http1 --cluster bench \
  --shard-endpoints http://127.0.0.1:$http1 http://127.0.0.1:$http2 --spans "$SPANS" --runs "$RUNS" --server-pid "${pids[@]}" $EXTRA
