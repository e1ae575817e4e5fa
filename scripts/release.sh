#!/usr/bin/env bash
# Release archives: `dotnet publish` self-contained, single file, for linux-x64 and linux-arm64, each packed as
# artifacts/release/kubetrace-<version>-<rid>.tar.gz with a SHA256SUMS file beside them. Needs only the .NET SDK.
#   scripts/release.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Kubetrace/Kubetrace.csproj)
out=artifacts/release
rm -rf "$out"
mkdir -p "$out"
for rid in linux-x64 linux-arm64; do
  dir="$out/kubetrace-$version-$rid"
  dotnet publish src/Kubetrace -c Release -r "$rid" --self-contained -p:PublishSingleFile=true -p:InvariantGlobalization=true \
    -o "$dir" --nologo -v quiet
  rm -f "$dir"/*.pdb
  cp README.md "$dir/"
  tar -C "$out" -czf "$dir.tar.gz" "$(basename "$dir")"
  rm -rf "$dir"
done
(cd "$out" && sha256sum ./*.tar.gz > SHA256SUMS)
ls -l "$out"
