#!/usr/bin/env bash
# Builds Gitea (pinned in this module) into its own cache directory and links
# it into a sandbox toolchain directory as bin/gitea, only when missing. The
# tests of internal/forge (through internal/forge/giteatest) run it as the
# real git forge: API v1, access tokens, OAuth2 applications, webhooks.
#
# Usage: build.sh TOOLCHAIN-DIR   (the directory hack/tools/build.sh prints)
#
# Its own module with its own cache key (a hash of this module's go.mod,
# go.sum, this script and the Go version), like hack/tools/helm. Gitea needs
# cgo (SQLite through mattn/go-sqlite3, build tags sqlite and
# sqlite_unlock_notify, as Gitea's own release build), so a C compiler. A
# cold build takes about 5 minutes on 2 cores and up to 2 GB of memory.
#
# Without Gitea's bindata build tag the binary reads its templates, locale
# options and public files from STATIC_ROOT_PATH at run time; they are
# copied from the module's source into share/ beside the binary (and linked
# as TOOLCHAIN-DIR/share/gitea), so that cleaning the module cache does not
# break a built Gitea.
set -euo pipefail

toolchain=${1:?usage: build.sh TOOLCHAIN-DIR}
here=$(cd "$(dirname "$0")" && pwd)
key=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" <(go env GOVERSION) | sha256sum | cut -c1-12)
version=$(awk '$1 == "require" && $2 == "code.gitea.io/gitea" { print $3; exit }' "$here/go.mod")
root=${WHEELHOUSE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wheelhouse/tools}
dir="$root/gitea/$key"
bin="$dir/bin/gitea"
share="$dir/share/gitea"

if [ ! -x "$bin" ] || [ ! -d "$share/templates" ]; then
  mkdir -p "$dir/bin"
  echo "Building Gitea $version into $dir (about 5 minutes cold)." >&2
  start=$(date +%s)
  cd "$here"
  tags="sqlite sqlite_unlock_notify"
  CGO_ENABLED=1 go build -trimpath -tags "$tags" \
    -ldflags="-s -w -X 'main.Version=${version#v}' -X 'main.Tags=$tags'" \
    -o "$bin.tmp" code.gitea.io/gitea
  src=$(go list -m -f '{{.Dir}}' code.gitea.io/gitea)
  rm -rf "$share.tmp"
  mkdir -p "$share.tmp"
  cp -R "$src/templates" "$src/options" "$src/public" "$share.tmp/"
  chmod -R u+w "$share.tmp"
  rm -rf "$share"
  mv "$share.tmp" "$share"
  mv "$bin.tmp" "$bin"
  echo "Gitea ready in $(( $(date +%s) - start ))s." >&2
fi

mkdir -p "$toolchain/bin" "$toolchain/share"
ln -sfn "$bin" "$toolchain/bin/gitea"
ln -sfn "$share" "$toolchain/share/gitea"
echo "$toolchain/bin/gitea"
