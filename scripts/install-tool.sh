#!/usr/bin/env bash
# Builds Kubetrace as a .NET tool package into artifacts/tool and installs it from that folder, so `kubetrace` is a
# command: globally (~/.dotnet/tools, add it to PATH) or, with --tool-path DIR, into DIR. Needs only the .NET SDK.
#   scripts/install-tool.sh                      # dotnet tool install --global
#   scripts/install-tool.sh --tool-path ~/bin    # into a folder of your choice
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/tool
rm -rf "$out"
dotnet pack src/Kubetrace -c Release -o "$out" --nologo -v quiet
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Kubetrace/Kubetrace.csproj)
if [ "$#" -eq 0 ]; then set -- --global; fi
# Reinstalling over an older copy: uninstall first (update would refuse a same-version package from a new build).
dotnet tool uninstall "$@" Kubetrace >/dev/null 2>&1 || true
dotnet tool install "$@" --add-source "$out" --version "$version" Kubetrace
