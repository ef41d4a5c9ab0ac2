package io.ckan.operator.resources;

/**
 * The migration Job's shell script. Fixed text, written here once: nothing from a spec is spliced into it. Plugin
 * names reach it only as {@code CKAN_MIGRATE_PLUGINS} (space-separated, checked again against
 * {@code [A-Za-z0-9_ ]}), and are only ever expanded inside double quotes. Plain POSIX sh (dash in the python:slim
 * based ckan-base images); no pipefail, no arrays.
 *
 * <p>What it does, and the CKAN facts behind it:
 * <ol>
 *   <li>Sets {@code ckan.plugins} in ckan.ini to the revision's plugins, as ckan-docker-base's prerun.py does for the
 *       web pods ({@code ckan config-tool $CKAN_INI "ckan.plugins = ..."}): CKAN loads plugins from the ini
 *       (plugins.load_all() in load_environment), so CKAN__PLUGINS through ckanext-envvars comes too late, and the
 *       image's ini lists the image's default plugins. The Job runs the image's own ckan.ini, not the web pods'.</li>
 *   <li>Records the core head: {@code ckan db version} prints {@code Current DB version: <v>} (ckan/cli/db.py), where
 *       v is the ordinal of the migration file ({@code 001_103676e0a497_...py} -> 1) or 0 for a fresh database; when
 *       the ordinal lookup fails (it takes the last entry of the versions directory, which can be __pycache__) it
 *       prints the raw alembic value {@code <12 hex> (head)}. Both are turned into the 12-hex revision id; an
 *       ordinal through the migration file names of the installed ckan. {@code None} (a database newer than this
 *       image) is an error.</li>
 *   <li>{@code ckan db upgrade}: on 2.11+ core and then every enabled plugin with pending migrations
 *       ({@code --skip-core} / {@code --skip-plugins}); on 2.10 core only.</li>
 *   <li>2.10 only ({@code CKAN_MIGRATE_PENDING_PLUGINS=true}): {@code ckan db pending-migrations --apply}, which
 *       upgrades every plugin of ckan.plugins that has pending migrations. Per-plugin {@code ckan db upgrade -p X}
 *       would fail for a plugin without migrations (alembic finds no alembic.ini there: CommandError), while
 *       pending-migrations skips them (Repository.current_version() returns None for those).</li>
 *   <li>Writes one JSON line to the termination log: {@code {"before":"<head or empty>","after":"<head>"}}, or on any
 *       failure {@code {"error":"<what failed and the last lines of output>"}} and exits 1. Output is reduced to
 *       printable ASCII, {@code user:password@} in URLs is masked, and the message stays under Kubernetes' 4096-byte
 *       limit.</li>
 * </ol>
 * {@code TERMINATION_LOG}, {@code MIGRATE_LOG} and {@code CKAN_MIGRATION_VERSIONS} are not set in the Job (the
 * defaults apply); tests set them to run the script against a fake {@code ckan}.
 */
final class MigrationScript {
  private MigrationScript() {}

  static final String SCRIPT = """
      set -u
      TL=${TERMINATION_LOG:-/dev/termination-log}
      LOG=${MIGRATE_LOG:-/tmp/ckan-migrate.log}
      INI=${CKAN_INI:-/srv/app/ckan.ini}
      : > "$LOG"

      fail() {
        echo "migration failed: $1" >&2
        { printf '%s\\n' "$1"; tail -n 20 "$LOG"; } \\
          | tr '\\11\\15' '  ' | tr -cd '\\12\\40-\\176' \\
          | sed -e 's#://[^:/@ ]*:[^@ ]*@#://***@#g' \\
          | tail -c 1800 \\
          | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' \\
          | awk 'BEGIN { printf "{\\"error\\":\\"" } NR > 1 { printf "\\\\n" } { printf "%s", $0 } END { print "\\"}" }' \\
          > "$TL"
        exit 1
      }

      # run <command...>: its output goes to the pod log (stderr) and to $LOG; $LOG.step keeps the last command's
      run() {
        printf '+ %s\\n' "$*" >> "$LOG"
        "$@" > "$LOG.step" 2>&1
        rc=$?
        cat "$LOG.step" >&2
        cat "$LOG.step" >> "$LOG"
        return $rc
      }

      # prints the core alembic head, or nothing for a fresh database
      schema_head() {
        run ckan -c "$INI" db version || return 1
        v=$(sed -n 's/^Current DB version: *//p' "$LOG.step" | tail -n 1)
        [ "$v" != 0 ] || return 0
        h=$(printf '%s\\n' "$v" | sed -n 's/^\\([0-9a-f]\\{12\\}\\)\\( (head)\\)\\{0,1\\}$/\\1/p')
        if [ -z "$h" ] && printf '%s\\n' "$v" | grep -Eq '^[0-9]{1,6}$'; then
          dir=${CKAN_MIGRATION_VERSIONS:-}
          if [ -z "$dir" ]; then
            dir=$(python3 -c 'import os, ckan.migration as m; print(os.path.join(os.path.dirname(m.__file__), "versions"))') \\
              || return 1
          fi
          h=$(ls "$dir" | grep -E "^0*${v}_[0-9a-f]{12}_" | head -n 1 | cut -d _ -f 2)
        fi
        if [ -z "$h" ]; then
          echo "no alembic revision in: Current DB version: $v" >> "$LOG"
          return 1
        fi
        printf '%s' "$h"
      }

      printf '%s\\n' "${CKAN_MIGRATE_PLUGINS:-}" | grep -Eq '^[A-Za-z0-9_ ]*$' \\
        || fail "CKAN_MIGRATE_PLUGINS may only hold plugin names ([A-Za-z0-9_]) separated by spaces"
      run ckan config-tool "$INI" "ckan.plugins = ${CKAN_MIGRATE_PLUGINS:-}" \\
        || fail "cannot set ckan.plugins in $INI"
      before=$(schema_head) || fail "cannot read the schema revision before the upgrade (ckan db version)"
      run ckan -c "$INI" db upgrade || fail "ckan db upgrade failed"
      if [ "${CKAN_MIGRATE_PENDING_PLUGINS:-false}" = true ]; then
        run ckan -c "$INI" db pending-migrations --apply || fail "plugin migrations failed (ckan db pending-migrations --apply)"
      fi
      after=$(schema_head) || fail "cannot read the schema revision after the upgrade (ckan db version)"
      [ -n "$after" ] || fail "the database has no schema revision after the upgrade"
      printf '{"before":"%s","after":"%s"}\\n' "$before" "$after" > "$TL"
      echo "schema: ${before:-(fresh database)} -> $after" >&2
      """;
}
