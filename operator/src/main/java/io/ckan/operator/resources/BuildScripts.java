package io.ckan.operator.resources;

import io.ckan.operator.api.BuildSpec;

/**
 * The shell scripts of the build Job. Fixed text, written here once: nothing from a spec is ever spliced into them.
 * Every value (git URLs, refs, the tag, the cache reference) reaches them as an environment variable and is only
 * ever expanded inside double quotes, so the shell never parses user input as code. Plain POSIX sh (busybox ash in
 * alpine/git, BuildKit and the kaniko debug image; bash in the buildah image); no pipefail, no arrays.
 *
 * <p>{@code WORK_DIR} and {@code TERMINATION_LOG} are not set in the Job (the defaults apply); tests set them to run
 * the scripts against fake {@code git} and builder commands.
 */
final class BuildScripts {
  private BuildScripts() {}

  /** Files the init container hands to the build container through the shared emptyDir. */
  static final String REFS_ENV = "refs.env";
  static final String COMMITS = "commits";

  /**
   * Init container: for every git extension {@code i < EXT_COUNT} (env {@code EXT_<i>_NAME}, {@code _URL},
   * {@code _REF}, {@code _ARG}, {@code _ALLOW_FLOATING}) resolve the ref to a commit with {@code git ls-remote}: a
   * 40-hex commit as is, else the tag (its peeled commit when annotated), else a branch only if floating refs are
   * allowed. Writes {@code <ARG>=<commit>} lines to refs.env and {@code <name> <commit>} lines to commits.
   */
  static final String RESOLVE_REFS = """
      set -eu
      W=${WORK_DIR:-/work}
      TL=${TERMINATION_LOG:-/dev/termination-log}
      fail() {
        printf '%s\\n' "$1" > "$TL"
        printf '%s\\n' "$1" >&2
        exit 1
      }
      is_commit() {
        printf '%s' "$1" | grep -Eq '^[0-9a-f]{40}$'
      }
      ref_commit() {
        printf '%s\\n' "$refs" | awk -v want="$1" '$2 == want { print $1; exit }'
      }
      : > "$W/refs.env.partial"
      : > "$W/commits.partial"
      i=0
      while [ "$i" -lt "$EXT_COUNT" ]; do
        name=$(printenv "EXT_${i}_NAME")
        url=$(printenv "EXT_${i}_URL")
        ref=$(printenv "EXT_${i}_REF")
        arg=$(printenv "EXT_${i}_ARG")
        floating=$(printenv "EXT_${i}_ALLOW_FLOATING")
        if is_commit "$ref"; then
          commit=$ref
        else
          refs=$(git ls-remote -- "$url") || fail "cannot list the refs of $name at $url"
          commit=$(ref_commit "refs/tags/$ref^{}")
          [ -n "$commit" ] || commit=$(ref_commit "refs/tags/$ref")
          if [ -z "$commit" ]; then
            commit=$(ref_commit "refs/heads/$ref")
            [ -n "$commit" ] || fail "ref $ref of $name is neither a tag nor a branch of $url"
            [ "$floating" = "true" ] || fail "ref $ref of $name is a branch; pin a tag or a commit (or set allowFloatingRef)"
          fi
        fi
        is_commit "$commit" || fail "ref $ref of $name resolved to '$commit', not a 40-hex commit"
        printf '%s=%s\\n' "$arg" "$commit" >> "$W/refs.env.partial"
        printf '%s %s\\n' "$name" "$commit" >> "$W/commits.partial"
        echo "$name: $ref -> $commit"
        i=$((i + 1))
      done
      mv "$W/refs.env.partial" "$W/refs.env"
      mv "$W/commits.partial" "$W/commits"
      """;

  /**
   * Build container, before the builder runs: copy the Dockerfile out of the ConfigMap mount (a symlink there, which
   * BuildKit does not follow: moby/buildkit#343), then turn refs.env into build-arg options in "$@", each line
   * checked again. {@code BUILD_ARG_FLAG}/{@code BUILD_ARG_PREFIX} are the builder's spelling of a build arg.
   */
  private static final String PRELUDE = """
      set -eu
      W=${WORK_DIR:-/work}
      TL=${TERMINATION_LOG:-/dev/termination-log}
      fail() {
        printf '%s\\n' "$1" > "$TL"
        printf '%s\\n' "$1" >&2
        exit 1
      }
      fail_with_log() {
        { printf '%s\\n' "$1"; tail -c 3000 "$W/build.log"; } > "$TL"
        exit 1
      }
      mkdir -p "$W/ctx" "$W/build"
      cat "$W/dockerfile/Dockerfile" > "$W/build/Dockerfile"
      [ -f "$W/refs.env" ] || : > "$W/refs.env"
      [ -f "$W/commits" ] || : > "$W/commits"
      rm -f "$W/build.rc"
      set --
      while IFS='=' read -r key value; do
        printf '%s' "$key" | grep -Eq '^CKAN_EXT_[A-Z0-9_]+_COMMIT$' || fail "bad build argument in refs.env: $key"
        printf '%s' "$value" | grep -Eq '^[0-9a-f]{40}$' || fail "bad commit for $key in refs.env"
        set -- "$@" "$BUILD_ARG_FLAG" "$BUILD_ARG_PREFIX$key=$value"
      done < "$W/refs.env"
      """;

  /** BuildKit, daemonless and rootless; the digest comes from the metadata file. */
  private static final String BUILDKIT = """
      { buildctl-daemonless.sh build \\
          --frontend dockerfile.v0 \\
          --local context="$W/ctx" \\
          --local dockerfile="$W/build" \\
          "$@" \\
          --output "type=image,name=$IMAGE_TAG,push=true" \\
          --export-cache "type=registry,ref=$CACHE_REF,ignore-error=true" \\
          --import-cache "type=registry,ref=$CACHE_REF" \\
          --metadata-file "$W/metadata.json" || echo "$?" > "$W/build.rc"; } 2>&1 | tee "$W/build.log"
      [ ! -f "$W/build.rc" ] || fail_with_log "image build failed (buildkit); the end of its log:"
      digest=$(grep -Eo '"containerimage\\.digest": *"sha256:[a-f0-9]{64}"' "$W/metadata.json" \\
          | grep -Eo 'sha256:[a-f0-9]{64}' || true)
      mkdir -p "$W/lock"
      printf 'ARG IMAGE\\nFROM ${IMAGE} AS image\\nFROM scratch\\nCOPY --from=image %s /\\n' "$LOCK_PATH" \\
          > "$W/lock/Dockerfile"
      buildctl-daemonless.sh build \\
          --frontend dockerfile.v0 \\
          --local context="$W/lock" \\
          --local dockerfile="$W/lock" \\
          --opt "build-arg:IMAGE=$IMAGE_TAG@$digest" \\
          --output "type=local,dest=$W/lock/out" >> "$W/build.log" 2>&1 \\
        && cp "$W/lock/out/requirements.lock" "$W/requirements.lock" 2>/dev/null || true
      """;

  /** kaniko (the maintained fork's debug image, for its busybox shell); builds in its own root filesystem. */
  private static final String KANIKO = """
      { /kaniko/executor \\
          --context "dir://$W/ctx" \\
          --dockerfile "$W/build/Dockerfile" \\
          "$@" \\
          --destination "$IMAGE_TAG" \\
          --cache=true \\
          --cache-repo "$CACHE_REF" \\
          --digest-file "$W/digest" || echo "$?" > "$W/build.rc"; } 2>&1 | tee "$W/build.log"
      [ ! -f "$W/build.rc" ] || fail_with_log "image build failed (kaniko); the end of its log:"
      digest=$(cat "$W/digest" 2>/dev/null || true)
      cp "$LOCK_PATH" "$W/requirements.lock" 2>/dev/null || true
      """;

  /** buildah, rootless with chroot isolation and vfs storage (STORAGE_DRIVER, BUILDAH_ISOLATION in the env). */
  private static final String BUILDAH = """
      { buildah bud \\
          --file "$W/build/Dockerfile" \\
          "$@" \\
          --layers \\
          --cache-from "$CACHE_REF" \\
          --cache-to "$CACHE_REF" \\
          --tag "$IMAGE_TAG" \\
          "$W/ctx" || echo "$?" > "$W/build.rc"; } 2>&1 | tee "$W/build.log"
      [ ! -f "$W/build.rc" ] || fail_with_log "image build failed (buildah); the end of its log:"
      { buildah push --digestfile "$W/digest" "$IMAGE_TAG" "docker://$IMAGE_TAG" \\
          || echo "$?" > "$W/build.rc"; } 2>&1 | tee -a "$W/build.log"
      [ ! -f "$W/build.rc" ] || fail_with_log "image push failed (buildah); the end of its log:"
      digest=$(cat "$W/digest" 2>/dev/null || true)
      if ctr=$(buildah from "$IMAGE_TAG" 2>> "$W/build.log"); then
        buildah run "$ctr" cat "$LOCK_PATH" > "$W/requirements.lock" 2>> "$W/build.log" || rm -f "$W/requirements.lock"
        buildah rm "$ctr" >> "$W/build.log" 2>&1 || true
      fi
      """;

  /**
   * The image's locked set: the builder copies {@link io.ckan.operator.release.Dockerfile#LOCK_PATH} out of the built
   * image into $W/requirements.lock (kaniko: its own root filesystem is the image; BuildKit: a second, cached build
   * exporting that one file; buildah: {@code buildah run}); the epilogue sends it gzip+base64 as {@code lock}, or a
   * {@code lockError} when it is missing or would make the message exceed the kubelet's 4096 bytes. Then the one
   * line of JSON {@link io.ckan.operator.release.BuildResult#parse} reads.
   */
  private static final String EPILOGUE = """
      printf '%s' "$digest" | grep -Eq '^sha256:[a-f0-9]{64}$' || fail "the builder reported no image digest for $IMAGE_TAG"
      commits=""
      sep=""
      while read -r name commit; do
        printf '%s' "$name" | grep -Eq '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' || fail "bad extension name in commits: $name"
        printf '%s' "$commit" | grep -Eq '^[0-9a-f]{40}$' || fail "bad commit for $name in commits"
        commits="$commits$sep$(printf '"%s":"%s"' "$name" "$commit")"
        sep=","
      done < "$W/commits"
      if [ -s "$W/requirements.lock" ]; then
        lock=$(printf ',"lock":"%s"' "$(gzip -9c < "$W/requirements.lock" | base64 | tr -d '\\n')")
      else
        lock=',"lockError":"the built image reported no pip freeze"'
      fi
      result=$(printf '{"digest":"%s","commits":{%s}%s}' "$digest" "$commits" "$lock")
      if [ "${#result}" -gt 4000 ]; then
        lock=$(printf ',"lockError":"the compressed pip freeze (%s bytes) does not fit the termination message"' \\
            "${#lock}")
        result=$(printf '{"digest":"%s","commits":{%s}%s}' "$digest" "$commits" "$lock")
      fi
      printf '%s' "$result" > "$TL"
      printf 'pushed %s@%s\\n' "$IMAGE_TAG" "$digest"
      """;

  static String build(BuildSpec.Builder builder) {
    String body = switch (builder) {
      case buildkit -> BUILDKIT;
      case kaniko -> KANIKO;
      case buildah -> BUILDAH;
    };
    return PRELUDE + body + EPILOGUE;
  }
}
