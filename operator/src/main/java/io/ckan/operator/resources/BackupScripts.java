package io.ckan.operator.resources;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Pure: the shell scripts of backup and restore Jobs. Database URLs reach them only as environment variables from
 * secretKeyRefs (never in the script, never echoed); every other word is checked against a strict pattern before it
 * is written into a script, so nothing needs quoting beyond the double quotes around variables.
 *
 * <p>A backup is named {@code <instance>-r<N>-<fp12>}: the revision whose migration it precedes and the first 12 hex
 * digits of that revision's fingerprint, so a Job started again after a crash writes the same files. It is one or two
 * files: {@code <name>.dump} (the CKAN database) and {@code <name>.datastore.dump} (the DataStore's, when the
 * instance has one), both {@code pg_dump --format=custom}. A dump is written to a temporary name and renamed when
 * complete, so a partial dump never carries a backup's name.
 */
public final class BackupScripts {
  private BackupScripts() {}

  /** The environment variables the scripts read the database URLs from (set from secretKeyRefs). */
  public static final String DATABASE_URL_ENV = RuntimeEnv.SQLALCHEMY_URL;
  public static final String DATASTORE_URL_ENV = RuntimeEnv.DATASTORE_WRITE_URL;
  public static final String DUMP = ".dump";
  public static final String DATASTORE_DUMP = ".datastore.dump";

  private static final Pattern WORD = Pattern.compile("^/?[A-Za-z0-9_][A-Za-z0-9._/-]{0,252}$");
  private static final Pattern NAME = Pattern.compile("^[a-z][-a-z0-9]{0,39}-r[0-9]{1,9}-[0-9a-f]{12}$");

  /** The name of revision {@code revision}'s backup. */
  public static String backupName(String instance, int revision, String fingerprint) {
    return checkedName(instance + "-r" + revision + "-" + fingerprint.substring(0, 12));
  }

  /** Whether {@code name} is a backup name the operator writes (the restore command refuses anything else). */
  public static boolean isBackupName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Shell function {@code libpq_url}: a SQLAlchemy URL ({@code postgresql+psycopg2://...}) as libpq reads it (the
   * driver suffix dropped).
   */
  static final String LIBPQ_URL = "libpq_url() { printf '%s' \"$1\" | sed -E 's#^postgres(ql)?\\+[A-Za-z0-9_]+://#postgresql://#'; }";

  /** Shell function {@code fail}: the reason in the termination message (what the operator reports), exit 1. */
  static final String FAIL = "fail() { printf '%s\\n' \"$1\" > /dev/termination-log; echo \"$1\" >&2; exit 1; }";

  /** The pg_dump command line for the database whose URL is in {@code urlEnv}, to {@code file}. */
  public static String dumpCommand(String urlEnv, String file) {
    return "pg_dump --format=custom --no-owner --dbname=\"$(libpq_url \"$" + word(urlEnv) + "\")\" --file=\""
        + word(file) + "\"";
  }

  /**
   * The restore of one database: everything the database's user owns in it is dropped first (so tables a later
   * migration added are gone too), then {@code pg_restore} recreates the dump's objects in one transaction.
   */
  public static String restoreCommand(String urlEnv, String file) {
    String url = "\"$(libpq_url \"$" + word(urlEnv) + "\")\"";
    return "psql --no-psqlrc --set=ON_ERROR_STOP=1 --dbname=" + url + " --command='DROP OWNED BY CURRENT_USER CASCADE' "
        + "--command='CREATE SCHEMA IF NOT EXISTS public' && pg_restore --no-owner --exit-on-error --single-transaction "
        + "--dbname=" + url + " \"" + word(file) + "\"";
  }

  /**
   * The backup Job's script: dump the CKAN database (and the DataStore's when {@code datastore}) into {@code dir},
   * then keep the newest {@code keep} backups of the instance there (older dumps deleted); {@code keep} null: no
   * pruning (a scratch directory that is uploaded).
   */
  public static String backup(String dir, String instance, String name, boolean datastore, Integer keep) {
    StringBuilder s = new StringBuilder(preamble());
    s.append("mkdir -p \"").append(word(dir)).append("\" || fail \"cannot create ").append(word(dir)).append("\"\n");
    s.append("cd \"").append(word(dir)).append("\"\n");
    dump(s, DATABASE_URL_ENV, checkedName(name) + DUMP, "the CKAN database");
    if (datastore) {
      // optional: the managed services' Secret has the DataStore's URL only when it was created with one
      s.append("if [ -n \"${").append(DATASTORE_URL_ENV).append(":-}\" ]; then\n");
      dump(s, DATASTORE_URL_ENV, name + DATASTORE_DUMP, "the DataStore database");
      s.append("fi\n");
    }
    if (keep != null) {
      s.append(prune(instance, keep));
    }
    s.append("ls -l ").append(name).append("*.dump\n");
    s.append("printf 'backup %s complete\\n' ").append(name).append(" > /dev/termination-log\n");
    return s.toString();
  }

  private static void dump(StringBuilder s, String urlEnv, String file, String what) {
    s.append(dumpCommand(urlEnv, file + ".partial")).append(" || fail \"pg_dump of ").append(what)
        .append(" failed\"\n");
    s.append("mv \"").append(file).append(".partial\" \"").append(file).append("\"\n");
  }

  /**
   * Keep the newest {@code keep} backups of {@code instance} in the working directory: every file of an older one is
   * deleted. Newest by revision number (a backup precedes its revision's migration, so the order of revisions is the
   * order of backups); only names this instance's backups have are touched.
   */
  public static String prune(String instance, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one backup");
    }
    return "ls -1 | grep -E '^" + word(instance) + "-r[0-9]+-[0-9a-f]{12}\\.dump$' | sed -E 's/^"
        + word(instance) + "-r([0-9]+)-.*/\\1 &/' | sort -rn | tail -n +" + (keep + 1) + " | while read -r _ f; do\n"
        + "  b=\"${f%.dump}\"; rm -f \"$b.dump\" \"$b" + DATASTORE_DUMP + "\" && echo \"pruned $b\"\n"
        + "done\n";
  }

  /** The restore Job's script: restore backup {@code name} from {@code dir} (the DataStore too when it has one). */
  public static String restore(String dir, String name, boolean datastore) {
    StringBuilder s = new StringBuilder(preamble());
    s.append("cd \"").append(word(dir)).append("\" || fail \"cannot enter ").append(word(dir)).append("\"\n");
    s.append("[ -f \"").append(checkedName(name)).append(DUMP).append("\" ] || fail \"backup ").append(name)
        .append(" not found in ").append(dir).append("\"\n");
    s.append(restoreCommand(DATABASE_URL_ENV, name + DUMP)).append(" || fail \"restore of the CKAN database from ")
        .append(name).append(" failed\"\n");
    if (datastore) {
      s.append("if [ -f \"").append(name).append(DATASTORE_DUMP).append("\" ]; then\n  ")
          .append(restoreCommand(DATASTORE_URL_ENV, name + DATASTORE_DUMP))
          .append(" || fail \"restore of the DataStore database from ").append(name).append(" failed\"\nfi\n");
    }
    s.append("printf 'restored %s\\n' ").append(name).append(" > /dev/termination-log\n");
    return s.toString();
  }

  /** S3: copy the backup's files from {@code dir} to the bucket, then keep the newest {@code keep} there. */
  public static String upload(String dir, String endpoint, String bucket, String prefix, String instance,
      String name, int keep) {
    String target = "s3://" + word(bucket) + "/" + word(prefix) + "/";
    String aws = "aws --endpoint-url " + endpoint(endpoint) + " s3";
    StringBuilder s = new StringBuilder(preamble());
    s.append("cd \"").append(word(dir)).append("\"\n");
    s.append("for f in ").append(checkedName(name)).append("*.dump; do ").append(aws).append(" cp \"$f\" \"")
        .append(target).append("$f\" || fail \"upload of $f to ").append(target).append(" failed\"; done\n");
    s.append(aws).append(" ls \"").append(target).append("\" | awk '{print $4}' > .listing || fail \"cannot list ")
        .append(target).append("\"\n");
    s.append("rm -rf .seen && mkdir .seen && cd .seen && while read -r f; do [ -n \"$f\" ] && : > \"$f\"; done < ../.listing\n");
    s.append(prune(instance, keep).replace("rm -f \"$b.dump\" \"$b" + DATASTORE_DUMP + "\"", aws + " rm \""
        + target + "$b.dump\"; " + aws + " rm \"" + target + "$b" + DATASTORE_DUMP + "\" || true"));
    s.append("printf 'backup %s uploaded\\n' ").append(name).append(" > /dev/termination-log\n");
    return s.toString();
  }

  /** S3: copy backup {@code name}'s files from the bucket into {@code dir} (before a restore). */
  public static String download(String dir, String endpoint, String bucket, String prefix, String name) {
    String source = "s3://" + word(bucket) + "/" + word(prefix) + "/";
    String aws = "aws --endpoint-url " + endpoint(endpoint) + " s3";
    return preamble() + "cd \"" + word(dir) + "\"\n"
        + aws + " cp \"" + source + checkedName(name) + DUMP + "\" . || fail \"backup " + name + " not found in "
        + source + "\"\n"
        + aws + " cp \"" + source + name + DATASTORE_DUMP + "\" . 2>/dev/null || true\n";
  }

  private static String preamble() {
    return "set -u\numask 077\n" + FAIL + "\n" + LIBPQ_URL + "\n";
  }

  private static String word(String value) {
    if (value == null || !WORD.matcher(value).matches() || value.contains("..")) {
      throw new IllegalArgumentException("not a safe word for a script: " + value);
    }
    return value;
  }

  private static String endpoint(String url) {
    if (url == null || !url.matches(io.ckan.operator.api.Patterns.SERVICE_URL)) {
      throw new IllegalArgumentException("not an endpoint URL: " + url);
    }
    return url;
  }

  private static String checkedName(String name) {
    if (!isBackupName(name)) {
      throw new IllegalArgumentException("not a backup name: " + name);
    }
    return name;
  }

  /** The scripts' commands, for tests that run them: each line that runs pg_dump, pg_restore or psql. */
  public static List<String> databaseCommands(String script) {
    return script.lines().filter(l -> l.contains("pg_dump ") || l.contains("pg_restore ") || l.contains("psql "))
        .toList();
  }
}
