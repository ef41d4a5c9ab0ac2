package io.ckan.operator.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory holding an executable {@code uwsgi} that runs the kit's gunicorn instead, for running a rendered CKAN web
 * container locally. The ckan/ckan-base image's start script ends with
 * {@code exec uwsgi ... --http [::]:5000 ... --wsgi-file /srv/app/wsgi.py ...}; with this directory first on the
 * container's PATH that final exec becomes
 * {@code exec <venv>/bin/gunicorn --chdir <kit> -b 127.0.0.1:$SHIM_PORT -w 1 --timeout 120 wsgi:application}
 * (the kit's wsgi.py is the image's entry point and reads {@code CKAN_INI} from the env).
 *
 * <p><b>Substituting the server binary at the final exec is the one allowed difference between the rendered container
 * and the local run.</b> Everything before it (the operator's script, its env, its ckan.ini edits, the CKAN code and
 * config it loads) runs as rendered; only the HTTP server that hosts the same WSGI application differs, and it listens
 * on {@code 127.0.0.1:$SHIM_PORT} (a per-"pod" port the test passes as an extra image env entry) instead of
 * {@code [::]:5000}.
 *
 * <p>The shim first logs the argv it was given as one line {@code uwsgi shim: <args>} (space separated), so a test can
 * assert that the script really asked for uwsgi with {@code --http} and {@code --wsgi-file}; it exits 64 when
 * {@code SHIM_PORT} is not set.
 */
public final class UwsgiShim {
  /** The env variable that carries the loopback port the shim's gunicorn binds. */
  public static final String PORT_ENV = "SHIM_PORT";
  /** The first line the shim logs starts with this. */
  public static final String LOG_PREFIX = "uwsgi shim:";

  private final Path dir;

  private UwsgiShim(Path dir) {
    this.dir = dir;
  }

  /**
   * Writes {@code dir/uwsgi} for {@code kit} (installing the kit if needed).
   *
   * @param dir a directory to put first on the container's PATH (created if needed)
   */
  public static UwsgiShim create(Path dir, CkanKit kit) {
    Path gunicorn = kit.bin("gunicorn");
    String script = "#!/bin/sh\n"
        + "# uwsgi stand-in for the real-CKAN conformance tier: the final exec of the web container runs gunicorn\n"
        + "printf '%s' '" + LOG_PREFIX + "'; for a in \"$@\"; do printf ' %s' \"$a\"; done; printf '\\n'\n"
        + "[ -n \"${" + PORT_ENV + ":-}\" ] || { echo 'uwsgi shim: " + PORT_ENV + " is not set' >&2; exit 64; }\n"
        + "exec " + shellQuote(gunicorn.toString()) + " --chdir " + shellQuote(kit.dir().toString())
        + " -b \"127.0.0.1:$" + PORT_ENV + "\" -w 1 --timeout 120 wsgi:application\n";
    try {
      Files.createDirectories(dir);
      Path uwsgi = dir.resolve("uwsgi");
      Files.writeString(uwsgi, script);
      Files.setPosixFilePermissions(uwsgi, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the uwsgi shim into " + dir, e);
    }
    return new UwsgiShim(dir.toAbsolutePath());
  }

  /** The directory to put first on the container's PATH. */
  public Path dir() {
    return dir;
  }

  /** The {@code uwsgi shim: ...} line of a container log, if the shim ran. */
  public static java.util.Optional<String> invocation(String log) {
    return log.lines().filter(l -> l.startsWith(LOG_PREFIX)).findFirst();
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
