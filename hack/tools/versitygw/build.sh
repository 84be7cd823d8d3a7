#!/usr/bin/env bash
# Builds versitygw, an S3-compatible object store (pinned in this module),
# into its own cache directory and links it into a sandbox toolchain
# directory as bin/versitygw, only when missing. The S3 log store's tests
# (internal/logstore/s3test) run it as a real S3 server on 127.0.0.1.
#
# Usage: build.sh TOOLCHAIN-DIR   (the directory hack/tools/build.sh prints)
#
# Its own module with its own cache key (a hash of this module's go.mod,
# go.sum, this script and the Go version), like hack/tools/metrics-server:
# changing its pin never rebuilds the Kubernetes toolchain. A cold build
# takes about 2 minutes on 2 cores.
set -euo pipefail

toolchain=${1:?usage: build.sh TOOLCHAIN-DIR}
here=$(cd "$(dirname "$0")" && pwd)
key=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" <(go env GOVERSION) | sha256sum | cut -c1-12)
version=$(awk '$1 == "require" && $2 == "github.com/versity/versitygw" { print $3; exit }' "$here/go.mod")
root=${WHEELHOUSE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wheelhouse/tools}
dir="$root/versitygw/$key"
bin="$dir/bin/versitygw"

if [ ! -x "$bin" ]; then
  mkdir -p "$dir/bin"
  echo "Building versitygw $version into $dir." >&2
  start=$(date +%s)
  cd "$here"
  # Stamp the pinned version, as versitygw's own Makefile does, so that
  # `versitygw --version` names it.
  CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.Version=$version" \
    -o "$bin.tmp" github.com/versity/versitygw/cmd/versitygw
  mv "$bin.tmp" "$bin"
  echo "versitygw ready in $(( $(date +%s) - start ))s." >&2
fi

mkdir -p "$toolchain/bin"
ln -sfn "$bin" "$toolchain/bin/versitygw"
echo "$toolchain/bin/versitygw"
