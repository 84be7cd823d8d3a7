#!/usr/bin/env bash
# Builds the sandbox toolchain (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok, kwokctl) from the versions pinned in this
# module into a cache directory outside the repository, only when missing.
# Prints the directory on stdout as its last line.
#
# The cache key is a hash of go.mod, go.sum, this script and the Go version,
# so changing a pin or a build flag builds a fresh directory and never mixes
# binaries of two versions.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
key=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" <(go env GOVERSION) | sha256sum | cut -c1-12)

# Kubernetes binaries built with plain `go build` report version
# v0.0.0-master+$Format:%H$, which kubectl version, Helm's kubeVersion
# checks and version parsers reject; stamp the pinned version as the
# Kubernetes release build does (hack/lib/version.sh).
kube_version=$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$here/go.mod")
kube_major=${kube_version#v}
kube_major=${kube_major%%.*}
kube_minor=${kube_version#v*.}
kube_minor=${kube_minor%%.*}
kube_ldflags=""
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=$kube_major -X $pkg.gitMinor=$kube_minor -X $pkg.gitTreeState=clean"
done
root=${WHEELHOUSE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wheelhouse/tools}
dir="$root/$key"

declare -A pkgs=(
  [etcd]=go.etcd.io/etcd/server/v3
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
  [kubectl]=k8s.io/kubernetes/cmd/kubectl
  [kwok]=sigs.k8s.io/kwok/cmd/kwok
  [kwokctl]=sigs.k8s.io/kwok/cmd/kwokctl
)

missing=()
for bin in "${!pkgs[@]}"; do
  [ -x "$dir/bin/$bin" ] || missing+=("$bin")
done

if [ ${#missing[@]} -gt 0 ]; then
  mkdir -p "$dir/bin"
  echo "Building the sandbox toolchain into $dir (${missing[*]})." >&2
  echo "A cold build takes about 10 minutes on 2 cores; later runs reuse it." >&2
  start=$(date +%s)
  cd "$here"
  for bin in "${missing[@]}"; do
    t0=$(date +%s)
    printf '  %-24s ' "$bin" >&2
    ldflags="-s -w"
    case ${pkgs[$bin]} in k8s.io/kubernetes/*) ldflags+=$kube_ldflags ;; esac
    CGO_ENABLED=0 go build -trimpath -ldflags="$ldflags" -o "$dir/bin/$bin.tmp" "${pkgs[$bin]}"
    mv "$dir/bin/$bin.tmp" "$dir/bin/$bin"
    echo "$(( $(date +%s) - t0 ))s" >&2
  done
  echo "Sandbox toolchain ready in $(( $(date +%s) - start ))s." >&2
fi

# A stable path for scripts and the README: the newest built toolchain.
ln -sfn "$dir" "$root/current"
echo "$dir"
