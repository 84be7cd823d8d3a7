#!/usr/bin/env bash
# Builds metrics-server (pinned in this module) into its own cache directory
# and links it into a sandbox toolchain directory as bin/metrics-server, only
# when missing. Sandbox clusters that emulate resource usage run it so that
# metrics.k8s.io answers (internal/sandbox, Config.MetricsServer).
#
# Usage: build.sh TOOLCHAIN-DIR   (the directory hack/tools/build.sh prints)
#
# It is a module of its own with its own cache key (a hash of this module's
# go.mod, go.sum, this script and the Go version): adding or moving its pin
# does not change hack/tools' key, so the ~10-minute Kubernetes toolchain
# build is never redone for it, and a new Kubernetes toolchain only gets a
# new link. A cold build takes about 2 minutes on 2 cores.
set -euo pipefail

toolchain=${1:?usage: build.sh TOOLCHAIN-DIR}
here=$(cd "$(dirname "$0")" && pwd)
key=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" <(go env GOVERSION) | sha256sum | cut -c1-12)
version=$(awk '$1 == "require" && $2 == "sigs.k8s.io/metrics-server" { print $3; exit }' "$here/go.mod")
root=${WHEELHOUSE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wheelhouse/tools}
dir="$root/metrics-server/$key"
bin="$dir/bin/metrics-server"

if [ ! -x "$bin" ]; then
  mkdir -p "$dir/bin"
  echo "Building metrics-server $version into $dir." >&2
  start=$(date +%s)
  cd "$here"
  # metrics-server prints client-go's version for --version (kwokctl reads
  # it); stamp it as metrics-server's own release build does.
  CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X k8s.io/client-go/pkg/version.gitVersion=$version" \
    -o "$bin.tmp" sigs.k8s.io/metrics-server/cmd/metrics-server
  mv "$bin.tmp" "$bin"
  echo "metrics-server ready in $(( $(date +%s) - start ))s." >&2
fi

mkdir -p "$toolchain/bin"
ln -sfn "$bin" "$toolchain/bin/metrics-server"
echo "$toolchain/bin/metrics-server"
