package io.ckan.operator.resources;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * How every CKAN container of a revision starts (web, worker and migration): the operator's own start command, never
 * the image's entrypoint. The ckan-base images' {@code start_ckan.sh} runs {@code prerun.py}, which runs
 * {@code ckan db init} (a migration, in every web pod) before it writes {@code ckan.plugins} into the ini, and starts
 * uwsgi even when that failed; the image's default plugins are then loaded instead of the revision's, while
 * {@code status_show} echoes the configured list. Verified on a real CKAN 2.11.5: see CKAN-FACTS.md and the
 * real-CKAN conformance tests.
 *
 * <p>The script is fixed text, written here once: nothing from a spec is spliced into it. It reads
 * {@code CKAN__PLUGINS} (the revision's ConfigMap; checked against {@code [A-Za-z0-9_ ]}, only ever expanded inside
 * double quotes), {@value #EXPECTED_VERSION_ENV} and the image's {@code CKAN_INI}; worker queues arrive as arguments.
 * Plain POSIX sh (dash in the python:slim based images).
 * <ol>
 *   <li>Copies the image's ini ({@code $CKAN_INI}, /srv/app/ckan.ini in ckan-base) to the pod's own
 *       {@value #RUNTIME_DIR} and points {@code CKAN_INI} there; the image stays untouched.</li>
 *   <li>Writes {@code ckan.plugins} (spec order, envvars last) into that ini with {@code ckan config-tool}: CKAN loads
 *       plugins from the ini; every other option reaches CKAN through the environment (core's CKAN_* names and
 *       ckanext-envvars).</li>
 *   <li>Checks, in Python, that the image runs the expected CKAN version ({@code ckan.__version__}; this also covers
 *       {@code ckan.hide_version}, which hides it from status_show), builds the application exactly as the WSGI entry
 *       does ({@code make_app}) and that every plugin of the list is loaded. Any failure ends the container with one
 *       clear line in its log and a JSON {@code {"error": ...}} termination message; the server never starts.</li>
 *   <li>{@code web}: execs uwsgi with the ckan-base image's own options (its WSGI file /srv/app/wsgi.py, port 5000,
 *       2 lazy-app processes, harakiri from {@code UWSGI_HARAKIRI}) plus {@code --need-app} and {@code --die-on-term}
 *       (a pod's SIGTERM stops uwsgi instead of reloading it). {@code worker QUEUE...}: execs
 *       {@code ckan jobs worker QUEUE...}. {@code run COMMAND...}: execs {@code ckan COMMAND...} (the schedules'
 *       CronJobs, the search-index rebuild Job). {@code migrate}: the migration below. Nothing but {@code migrate} ever
 *       runs {@code ckan db}.</li>
 * </ol>
 *
 * <p>{@code migrate}, the migration Job's body: records the core head ({@code ckan db version} prints
 * {@code Current DB version: <v>}, v the ordinal of the migration file, 0 for a fresh database, or the raw
 * {@code <12 hex> (head)} when the ordinal lookup fails; both become the 12-hex alembic id, {@code None} is an error),
 * runs {@code ckan db upgrade} (2.11+: core and every enabled plugin), on 2.10 ({@value #PENDING_PLUGINS_ENV}=true)
 * also {@code ckan db pending-migrations --apply}, and writes {@code {"before":"<head or empty>","after":"<head>"}} to
 * the termination log. Output in error messages is reduced to printable ASCII, {@code user:password@} in URLs is masked
 * and the message stays under Kubernetes' 4096-byte limit.
 *
 * <p>{@code TERMINATION_LOG}, {@code CKAN_START_LOG}, {@code CKAN_MIGRATION_VERSIONS} and {@code CKAN_PYTHON} are not
 * set in the pods (the defaults apply); unit tests set them to run the script against a fake {@code ckan}.
 */
public final class CkanStart {
  private CkanStart() {}

  /** The first line of the script: how the observer recognises a container started by the operator. */
  public static final String MARKER = "# ckan-operator start v1";
  public static final String WEB = "web";
  public static final String WORKER = "worker";
  public static final String MIGRATE = "migrate";
  /** A scheduled or one-off {@code ckan} command (its tokens the arguments: {@code api.ScheduleCommand}). */
  public static final String RUN = "run";
  /** The CKAN version the revision expects; the start refuses an image that runs another. */
  public static final String EXPECTED_VERSION_ENV = "CKAN_EXPECTED_VERSION";
  /** {@code true} before CKAN 2.11, whose {@code ckan db upgrade} does not migrate plugins. */
  public static final String PENDING_PLUGINS_ENV = "CKAN_MIGRATE_PENDING_PLUGINS";
  public static final String RUNTIME_VOLUME = "ckan-runtime";
  /** The pod's own writable directory (an emptyDir): the revision's ckan.ini and the start log. */
  public static final String RUNTIME_DIR = "/srv/ckan-runtime";
  public static final String TERMINATION_LOG = "/dev/termination-log";

  public static final String SCRIPT = MARKER + """

      set -u
      TL=${TERMINATION_LOG:-/dev/termination-log}
      LOG=${CKAN_START_LOG:-/srv/ckan-runtime/start.log}
      SRC_INI=${CKAN_INI:-/srv/app/ckan.ini}
      INI=/srv/ckan-runtime/ckan.ini
      mode=${1:-}
      : > "$LOG"

      fail() {
        echo "[ckan-operator] $mode failed: $1" >&2
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
        printf '+ %s\\n' "$*" | head -n 1 >> "$LOG"
        "$@" > "$LOG.step" 2>&1
        rc=$?
        cat "$LOG.step" >&2
        cat "$LOG.step" >> "$LOG"
        return $rc
      }

      case "$mode" in web|worker|migrate|run) ;; *) fail "unknown mode '$mode' (web, worker QUEUE..., migrate, run COMMAND...)" ;; esac
      PLUGINS=${CKAN__PLUGINS:-}
      printf '%s\\n' "$PLUGINS" | grep -Eq '^[A-Za-z0-9_ ]*[A-Za-z0-9_][A-Za-z0-9_ ]*$' \\
        || fail "CKAN__PLUGINS must hold plugin names ([A-Za-z0-9_]) separated by spaces"
      cp "$SRC_INI" "$INI" 2>> "$LOG" || fail "cannot copy the image's ckan.ini ($SRC_INI) to $INI"
      CKAN_INI=$INI
      export CKAN_INI
      run ckan config-tool "$INI" "ckan.plugins = $PLUGINS" || fail "cannot set ckan.plugins in $INI"
      run "${CKAN_PYTHON:-python3}" -c '
      import os, sys
      def fail(message):
          print("[ckan-operator] " + " ".join(str(message).split()), file=sys.stderr)
          sys.exit(3)
      wanted = os.environ.get("CKAN__PLUGINS", "").split()
      expected = os.environ.get("CKAN_EXPECTED_VERSION", "")
      try:
          import ckan
      except BaseException as e:
          fail("this image has no CKAN (import ckan: %s: %s)" % (type(e).__name__, e))
      if expected and ckan.__version__ != expected:
          fail("this image runs CKAN %s, the revision expects %s" % (ckan.__version__, expected))
      try:
          from ckan.cli import CKANConfigLoader
          from ckan.config.middleware import make_app
          make_app(CKANConfigLoader(os.environ["CKAN_INI"]).get_config())
          import ckan.plugins as plugins
          missing = [p for p in wanted if not plugins.plugin_loaded(p)]
      except BaseException as e:
          fail("CKAN %s cannot start with plugins [%s]: %s: %s" % (ckan.__version__, " ".join(wanted), type(e).__name__, e))
      if missing:
          fail("CKAN %s did not load plugins [%s]" % (ckan.__version__, " ".join(missing)))
      print("[ckan-operator] CKAN %s loaded plugins: %s" % (ckan.__version__, " ".join(wanted)), file=sys.stderr)
      ' || {
        why=$(sed -n 's/^\\[ckan-operator\\] //p' "$LOG.step" | tail -n 1)
        fail "${why:-the start check failed (python3 could not run it)}"
      }

      if [ "$mode" = web ]; then
        echo "[ckan-operator] starting uwsgi" >&2
        exec uwsgi --socket /tmp/uwsgi.sock --wsgi-file /srv/app/wsgi.py --module wsgi:application \\
          --http '[::]:5000' --master --enable-threads --lazy-apps -p 2 -L -b 32768 --vacuum \\
          --harakiri "${UWSGI_HARAKIRI:-60}" --need-app --die-on-term
      fi
      if [ "$mode" = worker ]; then
        shift
        echo "[ckan-operator] starting ckan jobs worker $*" >&2
        exec ckan -c "$INI" jobs worker "$@"
      fi
      if [ "$mode" = run ]; then
        shift
        echo "[ckan-operator] running ckan $*" >&2
        exec ckan -c "$INI" "$@"
      fi

      # prints the core alembic head, or nothing for a fresh database
      schema_head() {
        run ckan -c "$INI" db version || return 1
        v=$(sed -n 's/^Current DB version: *//p' "$LOG.step" | tail -n 1)
        [ "$v" != 0 ] || return 0
        h=$(printf '%s\\n' "$v" | sed -n 's/^\\([0-9a-f]\\{12\\}\\)\\( (head)\\)\\{0,1\\}$/\\1/p')
        if [ -z "$h" ] && printf '%s\\n' "$v" | grep -Eq '^[0-9]{1,6}$'; then
          dir=${CKAN_MIGRATION_VERSIONS:-}
          if [ -z "$dir" ]; then
            dir=$("${CKAN_PYTHON:-python3}" -c 'import os, ckan.migration as m; print(os.path.join(os.path.dirname(m.__file__), "versions"))') \\
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

  /** {@code sh -c SCRIPT ckan-start MODE ARGS...}: the container's command (arguments are never script text). */
  public static List<String> command(String mode, List<String> args) {
    List<String> command = new ArrayList<>(List.of("sh", "-c", SCRIPT, "ckan-start", mode));
    command.addAll(args);
    return List.copyOf(command);
  }

  /** Whether a container's command is the operator's start command (any version of it), in any mode. */
  public static boolean isOperatorStart(List<String> command) {
    return command != null && command.size() >= 5 && "sh".equals(command.get(0)) && "-c".equals(command.get(1))
        && command.get(2) != null && command.get(2).startsWith(MARKER + "\n");
  }

  public static EnvVar expectedVersion(String version) {
    return new EnvVarBuilder().withName(EXPECTED_VERSION_ENV).withValue(version).build();
  }

  public static Volume runtimeVolume() {
    return new VolumeBuilder().withName(RUNTIME_VOLUME).withNewEmptyDir().endEmptyDir().build();
  }

  public static VolumeMount runtimeMount() {
    return new VolumeMountBuilder().withName(RUNTIME_VOLUME).withMountPath(RUNTIME_DIR).build();
  }
}
