package io.ckan.operator.conformance;

import io.ckan.sim.apiserver.LocalProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Throwaway PostgreSQL 15, Redis and the kit's Solr stub on 127.0.0.1 (free ports), for the real-CKAN conformance
 * tier. Everything lives in one work directory and is stopped by PID in {@link #close()}.
 *
 * <p>PostgreSQL: a fresh cluster ({@code initdb -U postgres -A trust}), run as {@code nobody} when the JVM is root
 * (initdb refuses root), with roles {@code ckan}/{@code ckanpass} (owner of databases {@code ckan} and
 * {@code datastore}) and {@code datastore_ro}/{@code ropass}. Durability is switched off (fsync, synchronous_commit):
 * this is a test database. Redis and the stub run as child processes of this JVM; {@link #stopRedis()} /
 * {@link #stopSolr()} and their {@code start} counterparts simulate a dependency outage on the same port.
 */
public final class LoopbackServices implements AutoCloseable {
  /** PostgreSQL 15 binaries (Debian's postgresql-15). */
  public static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
  static final String REDIS_SERVER = "/usr/bin/redis-server";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SQL_TIMEOUT = Duration.ofSeconds(60);

  private final Path workDir;
  private final Path pgDir;
  private final Path pgData;
  private final CkanKit kit;
  private final int pgPort;
  private final int redisPort;
  private final int solrPort;
  private boolean pgStarted;
  private Process redis;
  private Process solr;

  private LoopbackServices(Path workDir, CkanKit kit) {
    this.workDir = workDir.toAbsolutePath();
    this.pgDir = this.workDir.resolve("pg");
    this.pgData = pgDir.resolve("data");
    this.kit = kit;
    this.pgPort = freePort();
    this.redisPort = freePort();
    this.solrPort = freePort();
  }

  /**
   * Starts PostgreSQL (with the CKAN roles and databases), Redis and the Solr stub in {@code workDir}, each on a free
   * loopback port, and waits until each accepts connections. On any failure whatever was started is stopped again.
   *
   * @param kit provides the Python that runs the Solr stub (installing the kit if needed)
   */
  public static LoopbackServices start(Path workDir, CkanKit kit) {
    LoopbackServices s = new LoopbackServices(workDir, kit);
    try {
      s.startPostgres();
      s.startRedis();
      s.startSolr();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- URLs

  public int postgresPort() {
    return pgPort;
  }

  public int redisPort() {
    return redisPort;
  }

  public int solrPort() {
    return solrPort;
  }

  /** {@code postgresql://ckan:ckanpass@127.0.0.1:PORT/ckan} */
  public String databaseUrl() {
    return "postgresql://ckan:ckanpass@127.0.0.1:" + pgPort + "/ckan";
  }

  /** {@code postgresql://ckan:ckanpass@127.0.0.1:PORT/datastore} */
  public String datastoreWriteUrl() {
    return "postgresql://ckan:ckanpass@127.0.0.1:" + pgPort + "/datastore";
  }

  /** {@code postgresql://datastore_ro:ropass@127.0.0.1:PORT/datastore} */
  public String datastoreReadUrl() {
    return "postgresql://datastore_ro:ropass@127.0.0.1:" + pgPort + "/datastore";
  }

  /** {@code http://127.0.0.1:PORT/solr/ckan} (the stub answers only what CKAN touches at start-up). */
  public String solrUrl() {
    return "http://127.0.0.1:" + solrPort + "/solr/ckan";
  }

  /** {@code redis://127.0.0.1:PORT/0} */
  public String redisUrl() {
    return "redis://127.0.0.1:" + redisPort + "/0";
  }

  public Path workDir() {
    return workDir;
  }

  // ---------------------------------------------------------------- PostgreSQL

  private void startPostgres() {
    try {
      Files.createDirectories(pgDir);
      if (Exec.isRoot()) {
        makeTraversable(workDir);
        UserPrincipal nobody = pgDir.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByName(Exec.UNPRIVILEGED_USER);
        Files.setOwner(pgDir, nobody);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + pgDir, e);
    }
    Path log = workDir.resolve("pg-ctl.log");
    Exec.check(Exec.asUnprivileged(List.of(PG_BIN.resolve("initdb").toString(), "-D", pgData.toString(),
        "-U", "postgres", "-A", "trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")), pgDir, log,
        START_TIMEOUT, LoopbackServices::cleanPgEnv);
    runPostgres();
    psqlOn("postgres",
        "CREATE ROLE ckan LOGIN PASSWORD 'ckanpass'",
        "CREATE ROLE datastore_ro LOGIN PASSWORD 'ropass'");
    createDatabases();
  }

  /** {@code pg_ctl start} on the cluster made by {@link #startPostgres()}; waits until it accepts connections. */
  private void runPostgres() {
    Path log = workDir.resolve("pg-ctl.log");
    String options = "-h 127.0.0.1 -p " + pgPort + " -k '" + pgDir + "'"
        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    Exec.Result r = Exec.run(Exec.asUnprivileged(List.of(PG_BIN.resolve("pg_ctl").toString(), "-D", pgData.toString(),
        "-l", pgDir.resolve("server.log").toString(), "-o", options, "-w", "-t", "60", "start")), pgDir, log,
        START_TIMEOUT, LoopbackServices::cleanPgEnv);
    pgStarted = Files.exists(pgData.resolve("postmaster.pid"));
    if (r.exitCode() != 0) {
      throw new IllegalStateException("PostgreSQL did not start on 127.0.0.1:" + pgPort + " (pg_ctl exit "
          + r.exitCode() + ")\n" + r.tail(10) + "\n--- server.log:\n" + Exec.tailOf(pgDir.resolve("server.log"), 20));
    }
    pgStarted = true;
  }

  /** Stops PostgreSQL ({@code pg_ctl -m fast stop}) and waits until it has exited: a database outage. */
  public synchronized void stopDatabase() {
    stopPostgres();
  }

  /** Starts the same PostgreSQL cluster again (data kept) after {@link #stopDatabase()}. */
  public synchronized void startDatabase() {
    if (!pgStarted) {
      runPostgres();
    }
  }

  private void createDatabases() {
    psqlOn("postgres", "CREATE DATABASE ckan OWNER ckan", "CREATE DATABASE datastore OWNER ckan");
  }

  /** Drops and re-creates the databases {@code ckan} and {@code datastore} (empty; open connections are ended). */
  public void resetDatabase() {
    psqlOn("postgres", "DROP DATABASE IF EXISTS ckan WITH (FORCE)", "DROP DATABASE IF EXISTS datastore WITH (FORCE)");
    createDatabases();
  }

  /** Runs SQL as {@code postgres} on database {@code ckan}; returns psql's unaligned, tuples-only stdout. */
  public String psql(String sql) {
    return psqlOn("ckan", sql);
  }

  /**
   * Runs each statement (one {@code -c} each, so each is its own transaction) as {@code postgres} on
   * {@code database}; returns stdout ({@code -At}), trimmed of the final newline.
   */
  public synchronized String psqlOn(String database, String... statements) {
    List<String> cmd = new ArrayList<>(List.of(PG_BIN.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
        "-h", "127.0.0.1", "-p", Integer.toString(pgPort), "-U", "postgres", "-d", database, "-At"));
    for (String s : statements) {
      cmd.add("-c");
      cmd.add(s);
    }
    Path out = workDir.resolve("psql.out");
    Path err = workDir.resolve("psql.err");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      cleanPgEnv(pb.environment());
      pb.environment().put("PGCONNECT_TIMEOUT", "10");
      Process p = pb.start();
      if (!p.waitFor(SQL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("psql timed out: " + String.join(" | ", statements));
      }
      String stdout = Files.readString(out);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("psql exit " + p.exitValue() + " on " + database + ": "
            + String.join(" | ", statements) + "\n" + Files.readString(err).strip());
      }
      return stdout.endsWith("\n") ? stdout.substring(0, stdout.length() - 1) : stdout;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run psql", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void cleanPgEnv(Map<String, String> env) {
    env.keySet().removeIf(k -> k.startsWith("PG"));
    env.put("LC_ALL", "C.UTF-8");
  }

  /** initdb/postgres run as nobody: the work directory (and temp-dir ancestors we made) must be traversable. */
  private static void makeTraversable(Path dir) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    for (Path p = dir.normalize(); p != null && p.getNameCount() > 0; p = p.getParent()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      if (perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        continue;
      }
      if (p.equals(dir.normalize()) || (p.startsWith(tmp) && !p.equals(tmp))) {
        Set<PosixFilePermission> more = EnumSet.copyOf(perms);
        more.add(PosixFilePermission.OTHERS_EXECUTE);
        more.add(PosixFilePermission.GROUP_EXECUTE);
        Files.setPosixFilePermissions(p, more);
      } else {
        throw new IllegalStateException(p + " is not traversable by " + Exec.UNPRIVILEGED_USER
            + ", which PostgreSQL runs as; use a work directory under " + tmp);
      }
    }
  }

  private void stopPostgres() {
    if (!pgStarted) {
      return;
    }
    long pid = postmasterPid();
    Exec.Result r = Exec.run(Exec.asUnprivileged(List.of(PG_BIN.resolve("pg_ctl").toString(), "-D",
        pgData.toString(), "-m", "fast", "-w", "-t", "30", "stop")), pgDir, workDir.resolve("pg-ctl.log"),
        Duration.ofSeconds(40), LoopbackServices::cleanPgEnv);
    if (r.exitCode() != 0 && pid > 0) {
      ProcessHandle.of(pid).ifPresent(h -> Exec.stopTree(h, Duration.ofSeconds(5)));
    }
    pgStarted = false;
  }

  private long postmasterPid() {
    try {
      List<String> lines = Files.readAllLines(pgData.resolve("postmaster.pid"));
      return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  // ---------------------------------------------------------------- Redis

  /** Starts Redis on its port (again, after {@link #stopRedis()}); waits for PONG. */
  public synchronized void startRedis() {
    if (redis != null && redis.isAlive()) {
      return;
    }
    Path dir = workDir.resolve("redis");
    Path log = workDir.resolve("redis.log");
    redis = spawn(List.of(REDIS_SERVER, "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString()), dir, log);
    awaitReady("Redis", redis, log, this::redisPongs);
  }

  /** Stops Redis (SIGTERM, by PID) and waits until it has exited. */
  public synchronized void stopRedis() {
    if (redis != null) {
      Exec.stopTree(redis.toHandle(), Duration.ofSeconds(10));
      redis = null;
    }
  }

  private boolean redisPongs() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", redisPort), 1000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = new byte[7];
      int n = s.getInputStream().read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- Solr stub

  /** Starts the kit's Solr stub on its port (again, after {@link #stopSolr()}); waits for its ping to answer. */
  public synchronized void startSolr() {
    if (solr != null && solr.isAlive()) {
      return;
    }
    Path log = workDir.resolve("solr-stub.log");
    solr = spawn(List.of(kit.bin("python").toString(), kit.solrStub().toString(), Integer.toString(solrPort)),
        workDir, log);
    awaitReady("Solr stub", solr, log, this::solrAnswers);
  }

  /** Stops the Solr stub (by PID) and waits until it has exited. */
  public synchronized void stopSolr() {
    if (solr != null) {
      Exec.stopTree(solr.toHandle(), Duration.ofSeconds(10));
      solr = null;
    }
  }

  private boolean solrAnswers() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(solrUrl() + "/admin/ping").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try (InputStream in = c.getInputStream()) {
        in.readAllBytes();
      }
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- common

  private static Process spawn(List<String> command, Path dir, Path log) {
    try {
      Files.createDirectories(dir);
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().keySet().removeIf(k -> k.startsWith("PYTHON") || k.startsWith("CKAN"));
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** Waits until it answers; one that never does is stopped (by PID) before the failure is thrown. */
  private static void awaitReady(String what, Process p, Path log, BooleanSupplier ready) {
    try {
      LocalProcesses.awaitReady(what, ready, p, log, START_TIMEOUT);
    } catch (IllegalStateException e) {
      Exec.stopTree(p.toHandle(), Duration.ofSeconds(5));
      throw e;
    }
  }


  /** {@link LocalProcesses#freePort()}: ports are handed out once per JVM, whichever fixture asks. */
  public static int freePort() {
    return LocalProcesses.freePort();
  }

  public static void sleep(long millis) {
    LocalProcesses.sleep(millis);
  }

  /** Stops the Solr stub, Redis and PostgreSQL ({@code pg_ctl -m fast stop}), each by PID; safe to call twice. */
  @Override
  public void close() {
    List<RuntimeException> errors = new ArrayList<>();
    for (Runnable r : List.<Runnable>of(this::stopSolr, this::stopRedis, this::stopPostgres)) {
      try {
        r.run();
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
    if (!errors.isEmpty()) {
      RuntimeException first = errors.get(0);
      errors.subList(1, errors.size()).forEach(first::addSuppressed);
      throw first;
    }
  }
}
