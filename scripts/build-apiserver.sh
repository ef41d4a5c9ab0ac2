#!/usr/bin/env bash
# Builds the control plane of the apiserver test tier (kube-apiserver, etcd, kubectl, and kube-controller-manager for
# its garbage collector) from the Go module proxy at the versions pinned in scripts/apiserver/go.mod (+ go.sum), into a
# cache directory outside the repository:
#   ${CKAN_APISERVER_CACHE:-${XDG_CACHE_HOME:-~/.cache}/ckan-operator}/kube-<version>/{kube-apiserver,etcd,kubectl,
#   kube-controller-manager,STAMP}
# Nothing is built when the binaries and a STAMP matching the pins are already there. Prints the directory as the last
# line of its output ("apiserver binaries: <dir>").
#
# Options / environment:
#   --print-dir            print the cache directory and exit (nothing built)
#   --reuse-only           do not build: exit 3 with one line when the binaries are missing or stale
#   CKAN_APISERVER_CACHE   parent of kube-<version>/ (default ~/.cache/ckan-operator)
#   GO_BUILD_P             parallelism handed to `go build -p` and GOMAXPROCS (default: the number of CPUs)
# Exit codes: 0 ready, 2 no Go toolchain, 3 missing with --reuse-only, other = the build failed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE_DIR="$REPO_ROOT/scripts/apiserver"

KUBE_VERSION="$(sed -n 's/^[[:space:]]*k8s\.io\/kubernetes \(v[0-9.]*\).*$/\1/p' "$MODULE_DIR/go.mod")"
ETCD_VERSION="$(sed -n 's/^[[:space:]]*go\.etcd\.io\/etcd\/server\/v3 \(v[0-9.]*\).*$/\1/p' "$MODULE_DIR/go.mod")"
[[ -n "$KUBE_VERSION" && -n "$ETCD_VERSION" ]] || { echo "build-apiserver: cannot read the pins from $MODULE_DIR/go.mod" >&2; exit 1; }
CACHE_DIR="${CKAN_APISERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ckan-operator}/kube-$KUBE_VERSION"
BINARIES=(kube-apiserver etcd kubectl kube-controller-manager)

mode=build
case "${1:-}" in
  --print-dir) echo "$CACHE_DIR"; exit 0 ;;
  --reuse-only) mode=reuse ;;
  "") ;;
  *) echo "usage: $0 [--print-dir|--reuse-only]" >&2; exit 64 ;;
esac

# The stamp names what was built: the pins (go.mod, go.sum) and the build recipe (bump RECIPE when the flags change).
RECIPE="cgo=0 trimpath ldflags=-s,-w,version-stamped binaries=${BINARIES[*]}"
wanted_stamp() {
  { cat "$MODULE_DIR/go.mod" "$MODULE_DIR/go.sum"; echo "$RECIPE"; } | sha256sum | cut -c1-64
}

is_ready() {
  local b
  [[ -f "$CACHE_DIR/STAMP" ]] || return 1
  [[ "$(sed -n 's/^stamp=//p' "$CACHE_DIR/STAMP")" == "$(wanted_stamp)" ]] || return 1
  for b in "${BINARIES[@]}"; do [[ -x "$CACHE_DIR/$b" ]] || return 1; done
}

if is_ready; then
  echo "reusing kube-apiserver/kubectl/kube-controller-manager $KUBE_VERSION and etcd $ETCD_VERSION (built $(sed -n 's/^built_at=//p' "$CACHE_DIR/STAMP") in $(sed -n 's/^built_in=//p' "$CACHE_DIR/STAMP"))"
  echo "apiserver binaries: $CACHE_DIR"
  exit 0
fi
if [[ "$mode" == reuse ]]; then
  echo "apiserver binaries $KUBE_VERSION are not built in $CACHE_DIR (run bash scripts/build-apiserver.sh)"
  exit 3
fi
if ! command -v go >/dev/null 2>&1; then
  echo "no Go toolchain on PATH: cannot build kube-apiserver $KUBE_VERSION"
  exit 2
fi

mkdir -p "$(dirname "$CACHE_DIR")"
exec 9>"$CACHE_DIR.lock"
flock 9   # one build at a time per cache; a second caller waits, then reuses
if is_ready; then
  echo "reusing kube-apiserver/kubectl/kube-controller-manager $KUBE_VERSION and etcd $ETCD_VERSION (built meanwhile by another caller)"
  echo "apiserver binaries: $CACHE_DIR"
  exit 0
fi

STAGING="$CACHE_DIR.partial"
rm -rf "$STAGING"
mkdir -p "$STAGING"
minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
P="${GO_BUILD_P:-$(nproc)}"
echo "building kube-apiserver, kubectl, kube-controller-manager $KUBE_VERSION and etcd $ETCD_VERSION with $(go version | cut -d' ' -f3), go build -p $P, into $CACHE_DIR"
start=$(date +%s)
cd "$MODULE_DIR"
build() { # output, package
  local t0=$(date +%s)
  CGO_ENABLED=0 GOFLAGS=-mod=readonly GOMAXPROCS="$P" \
    go build -p "$P" -trimpath -buildvcs=false -ldflags "$ldflags" -o "$STAGING/$1" "$2"
  echo "  $1: $(( $(date +%s) - t0 ))s"
}
build etcd go.etcd.io/etcd/server/v3
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
build kubectl k8s.io/kubernetes/cmd/kubectl
build kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
took=$(( $(date +%s) - start ))
{
  echo "stamp=$(wanted_stamp)"
  echo "kubernetes=$KUBE_VERSION"
  echo "etcd=$ETCD_VERSION"
  echo "go=$(go version | cut -d' ' -f3)"
  echo "parallelism=$P"
  echo "built_in=${took}s"
  echo "built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$STAGING/STAMP"
rm -rf "$CACHE_DIR"
mv "$STAGING" "$CACHE_DIR"
"$CACHE_DIR/kube-apiserver" --version
"$CACHE_DIR/etcd" --version | head -1
echo "built in ${took}s"
echo "apiserver binaries: $CACHE_DIR"
