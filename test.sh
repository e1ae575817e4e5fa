#!/usr/bin/env bash
# Runs the whole test suite and ends with the line "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")"
results="$(mktemp -d)"
# The JS client end-to-end tests run the real OpenTelemetry JS exporters from tests/clients/js: install them once,
# exactly as locked. Without npm those tests are skipped on a developer machine (never under CI).
if [ ! -d tests/clients/js/node_modules ] && command -v npm >/dev/null; then
  (cd tests/clients/js && npm ci --no-audit --no-fund) || echo "npm ci failed: the JS client tests cannot run" >&2
fi
# A hung test (a server that never stops, a client that never returns) fails after 30 minutes with a dump,
# instead of eating the CI budget. Not less: squeezed onto one busy core, ToolPackageTests' Release build of
# the tool package ran past 5 minutes and the run was aborted as hung (docs/testing.md).
dotnet test Kubetrace.slnx --blame-hang-timeout 30m --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?
# Sum the TRX counters of every test project (no tools beyond grep and awk). A skipped test is counted in neither
# "executed" nor "notExecuted" (VSTest marks only its result NotExecuted): skipped = total - executed.
grep -ho '<Counters [^>]*>' "$results"/*.trx 2>/dev/null | awk '
  { for (i = 1; i <= NF; i++) { split($i, kv, "=\""); v = kv[2]; sub(/".*/, "", v);
      if (kv[1] == "passed") p += v; if (kv[1] == "failed") f += v; if (kv[1] == "total") s += v; if (kv[1] == "executed") s -= v } }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }'
exit $status
