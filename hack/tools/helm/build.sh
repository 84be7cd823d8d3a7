#!/usr/bin/env bash
# Builds the helm CLI (pinned in this module at the Helm SDK version of the
# main module's go.mod) into its own cache directory and links it into a
# sandbox toolchain directory as bin/helm, only when missing. The tests of
# internal/helm run it to check that the CLI and Wheelhouse see the same
# releases.
#
# Usage: build.sh TOOLCHAIN-DIR   (the directory hack/tools/build.sh prints)
#
# Its own module with its own cache key (a hash of this module's go.mod,
# go.sum, this script and the Go version), like hack/tools/metrics-server.
set -euo pipefail

toolchain=${1:?usage: build.sh TOOLCHAIN-DIR}
here=$(cd "$(dirname "$0")" && pwd)
pin() { awk '$1 == "require" && $2 == "helm.sh/helm/v4" { print $3; exit } $1 == "helm.sh/helm/v4" { print $2; exit }' "$1"; }
version=$(pin "$here/go.mod")
main=$(pin "$here/../../../go.mod")
if [ "$version" != "$main" ]; then
  echo "hack/tools/helm pins helm $version but go.mod requires $main: make them the same" >&2
  exit 1
fi
key=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" <(go env GOVERSION) | sha256sum | cut -c1-12)
root=${WHEELHOUSE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wheelhouse/tools}
dir="$root/helm/$key"
bin="$dir/bin/helm"

if [ ! -x "$bin" ]; then
  mkdir -p "$dir/bin"
  echo "Building helm $version into $dir." >&2
  start=$(date +%s)
  cd "$here"
  CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$version" \
    -o "$bin.tmp" helm.sh/helm/v4/cmd/helm
  mv "$bin.tmp" "$bin"
  echo "helm ready in $(( $(date +%s) - start ))s." >&2
fi

mkdir -p "$toolchain/bin"
ln -sfn "$bin" "$toolchain/bin/helm"
echo "$toolchain/bin/helm"
