#!/usr/bin/env bash
# Builds the upstream Kubernetes control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl),
# etcd, CoreDNS and the CNI bridge/host-local/loopback plugins from source through the Go module proxy, plus our
# netns port forwarder, into a cache outside the work tree. A binary already in the cache is not built again.
# Prints the bin directory on stdout; progress goes to stderr, one line per binary.
set -euo pipefail

K8S_VERSION=v1.35.4
ETCD_VERSION=v3.6.16
COREDNS_VERSION=v1.14.2
CNI_VERSION=v1.9.1
MIN_GO=1.25

here=$(cd "$(dirname "$0")" && pwd)
cache=${STARLING_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/starling/kubernetes/$K8S_VERSION}
bin=$cache/bin
mkdir -p "$bin"

say() { echo "starling-kube: $*" >&2; }
die() { say "error: $*"; exit 1; }

command -v go >/dev/null || die "Go is not installed (need Go $MIN_GO or newer on PATH to build Kubernetes $K8S_VERSION)"
gov=$(go env GOVERSION | sed 's/^go//')
ver_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
ver_ge "$gov" "$MIN_GO" || die "Go $gov is too old: Kubernetes $K8S_VERSION needs Go $MIN_GO or newer"

export CGO_ENABLED=0 GOFLAGS=-mod=readonly GOTOOLCHAIN=local
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
ldk="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"

build() { # name module-dir package ldflags
  local name=$1 dir=$2 pkg=$3 ld=$4
  if [ -x "$bin/$name" ]; then say "$name: cached"; return; fi
  prepare_work
  local t0=$SECONDS
  say "$name: building $pkg"
  (cd "$dir" && go build -trimpath -ldflags "$ld" -o "$bin/$name.tmp" "$pkg") || die "$name: go build failed"
  mv "$bin/$name.tmp" "$bin/$name"
  say "$name: built in $((SECONDS - t0)) s"
}

# Builds work on copies of the wrapper modules in the cache, so the checkout stays clean; the copy is made only
# when something is to be built, so that runs finding everything cached touch nothing.
work=$cache/src
prepared=
prepare_work() {
  [ -n "$prepared" ] && return
  rm -rf "$work" && mkdir -p "$work" && cp -r "$here/kubernetes" "$here/etcd" "$here/coredns" "$here/cni" "$here/forward" "$work/"
  prepared=1
}

for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  build "$b" "$work/kubernetes" "k8s.io/kubernetes/cmd/$b" "$ldk"
done
build etcd "$work/etcd" go.etcd.io/etcd/server/v3 "-s -w"
build coredns "$work/coredns" github.com/coredns/coredns "-s -w"
for p in bridge host-local loopback; do
  case $p in host-local) sub=ipam/host-local ;; *) sub=main/$p ;; esac
  build "$p" "$work/cni" "github.com/containernetworking/plugins/plugins/$sub" "-s -w"
done
build netns-forward "$work/forward" . "-s -w"
echo "$bin"
