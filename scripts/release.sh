#!/usr/bin/env bash
# Release archives: `dotnet publish` self-contained, single file, for linux-x64 and linux-arm64 (or the runtimes
# named), each packed as <out>/kubetrace-<version>-<rid>.tar.gz with a SHA256SUMS file beside them. Needs only the
# .NET SDK and, from the NuGet feed, each runtime's packs (Microsoft.NETCore.App.Runtime.<rid>,
# Microsoft.AspNetCore.App.Runtime.<rid>, Microsoft.NETCore.App.Host.<rid>; the SDK picks their version).
#   scripts/release.sh [--out DIR] [RID...]      (default: artifacts/release, linux-x64 linux-arm64)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/release
if [ "${1:-}" = --out ]; then out=$2; shift 2; fi
rids=("$@")
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64)
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Kubetrace/Kubetrace.csproj)
rm -rf "$out"/kubetrace-* "$out"/SHA256SUMS # only what an earlier run wrote (--out may name any folder)
mkdir -p "$out"
for rid in "${rids[@]}"; do
  dir="$out/kubetrace-$version-$rid"
  if ! dotnet publish src/Kubetrace -c Release -r "$rid" --self-contained -p:PublishSingleFile=true \
      -p:InvariantGlobalization=true -o "$dir" --nologo -v quiet; then
    echo "release.sh: the $rid publish failed (above); if the restore could not find Microsoft.NETCore.App.Runtime.$rid," \
      "Microsoft.AspNetCore.App.Runtime.$rid or Microsoft.NETCore.App.Host.$rid, this machine's NuGet feed lacks that runtime:" \
      "build the others with scripts/release.sh linux-x64" >&2
    exit 1
  fi
  rm -f "$dir"/*.pdb
  cp README.md "$dir/"
  tar -C "$out" -czf "$dir.tar.gz" "$(basename "$dir")"
  rm -rf "$dir"
done
(cd "$out" && sha256sum ./*.tar.gz > SHA256SUMS)
ls -l "$out"
