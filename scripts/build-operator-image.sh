#!/usr/bin/env bash
# Builds the operator image (operator/Dockerfile) from operator/target/ckan-operator.jar and target/lib/ (run
# `mvn -B -DskipTests package` first) and prints its digest for `helm install ... --set image.digest=<digest>`.
#
#   BASE_DIGEST=sha256:<64 hex>              the JRE base's digest (required; a tag alone is refused)
#   BASE_IMAGE=<repository>:<tag>            the JRE base it is a digest of (default eclipse-temurin:17-jre)
#   IMAGE=<repository>:<tag>                 what to tag and push, e.g. ghcr.io/ckan/ckan-operator:0.3.0 (required)
#   PUSH=1                                   push and print the pushed digest (default: build only)
#   BUILDER=docker|podman                    the image builder (default: the first on PATH)
#
# Reproducible: the jar's entries carry a fixed time (project.build.outputTimestamp) and SOURCE_DATE_EPOCH is set
# from the last commit, so the same commit and base give the same image.
set -euo pipefail

fail() { echo "build-operator-image: $*" >&2; exit 2; }

BASE_IMAGE="${BASE_IMAGE:-eclipse-temurin:17-jre}"
BASE_DIGEST="${BASE_DIGEST:-}"
IMAGE="${IMAGE:-}"
[[ "$BASE_DIGEST" =~ ^sha256:[0-9a-f]{64}$ ]] \
  || fail "the base must be pinned by digest: BASE_DIGEST=sha256:<64 hex>, got '${BASE_DIGEST}'"
[[ "$BASE_IMAGE" =~ ^[a-z0-9][a-z0-9._/:-]*$ ]] || fail "BASE_IMAGE must be <repository>[:<tag>], got '${BASE_IMAGE}'"
[[ "$IMAGE" =~ ^[a-z0-9][a-z0-9._/:-]*:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$ ]] \
  || fail "IMAGE must be <repository>:<tag>, got '${IMAGE}'"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/operator/target/ckan-operator.jar"
[[ -f "$JAR" && -d "$ROOT/operator/target/lib" ]] \
  || fail "$JAR or its lib/ is missing: run 'mvn -B -DskipTests package' first"

BUILDER="${BUILDER:-}"
if [[ -z "$BUILDER" ]]; then
  for candidate in docker podman; do
    if command -v "$candidate" >/dev/null 2>&1; then BUILDER="$candidate"; break; fi
  done
fi
[[ -n "$BUILDER" ]] || fail "no image builder on PATH (docker or podman)"

SOURCE_DATE_EPOCH="$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)"
export SOURCE_DATE_EPOCH
"$BUILDER" build --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "BASE_DIGEST=$BASE_DIGEST" \
  --build-arg "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH" --label "org.opencontainers.image.base.digest=$BASE_DIGEST" \
  --label "org.opencontainers.image.revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
  -f "$ROOT/operator/Dockerfile" -t "$IMAGE" "$ROOT/operator"
if [[ "${PUSH:-0}" == 1 ]]; then
  "$BUILDER" push "$IMAGE"
  "$BUILDER" image inspect --format '{{index .RepoDigests 0}}' "$IMAGE"
else
  "$BUILDER" image inspect --format '{{.Id}}' "$IMAGE"
fi
