#!/usr/bin/env bash
# Builds the Kubetrace image (deploy/container/Containerfile) with Debian's buildah, without a registry: the base
# is a root filesystem of Debian packages made by mmdebstrap, the binary a self-contained single-file publish.
#   scripts/build-image.sh [TAG]          # default localhost/kubetrace:<version>; needs root (or buildah unshare)
# Needs: apt-get install buildah mmdebstrap (Debian 12). Writes artifacts/image/ (the build context) and leaves the
# image in local containers storage (buildah images); `buildah push TAG oci-archive:kubetrace.tar` exports it.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Kubetrace/Kubetrace.csproj)
tag=${1:-localhost/kubetrace:$version}
arch=$(dpkg --print-architecture)   # amd64 or arm64
case "$arch" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; *) echo "unsupported architecture $arch" >&2; exit 1 ;; esac
context=artifacts/image
rm -rf "$context"
mkdir -p "$context/writable"
dotnet publish src/Kubetrace -c Release -r "$rid" --self-contained -p:PublishSingleFile=true -p:InvariantGlobalization=true \
  -o "$context/app" --nologo -v quiet
rm -f "$context"/app/*.pdb
# The libraries a self-contained .NET binary loads (libc, libstdc++, libgcc, zlib, OpenSSL for TLS) and CA certificates.
mmdebstrap --variant=extract --include=libc6,libgcc-s1,libstdc++6,zlib1g,libssl3,ca-certificates,tzdata \
  bookworm "$context/rootfs.tar"
# The store's configuration as k8s install writes it (a test keeps the two equal); a ConfigMap mounted on
# /etc/kubetrace replaces it in a cluster.
cp deploy/container/config.yaml "$context/config.yaml"
buildah build --format docker -f deploy/container/Containerfile -t "$tag" "$context"
echo "built $tag"
