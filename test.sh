#!/usr/bin/env bash
# Runs the whole test suite and ends with the line "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")"
results="$(mktemp -d)"
dotnet test Kubetrace.slnx --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?
# Sum the TRX counters of every test project (no tools beyond grep and awk).
grep -ho '<Counters [^>]*>' "$results"/*.trx 2>/dev/null | awk '
  { for (i = 1; i <= NF; i++) { split($i, kv, "=\""); v = kv[2]; sub(/".*/, "", v);
      if (kv[1] == "passed") p += v; if (kv[1] == "failed") f += v; if (kv[1] == "notExecuted") s += v } }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }'
exit $status
