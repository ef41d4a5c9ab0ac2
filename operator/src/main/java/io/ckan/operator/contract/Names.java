package io.ckan.operator.contract;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Object names of the resource contract, all derived here from the instance's name, and the endings they reserve.
 *
 * <p>Every object an instance owns is {@code <instance>} or {@code <instance><ending>} with an ending of
 * {@link #RESERVED}. An instance whose own name ends that way would share names with another instance's objects
 * (instance {@code a-r1} would own Service {@code a-r1}, which is instance {@code a}'s revision 1), so such names are
 * refused: by the CRD's CEL rule ({@link #RESERVED_ENDING}) and by {@code release.InstanceName}.
 */
public final class Names {
  private Names() {}

  /**
   * Longest instance name: leaves room for {@code -r<9 digits>-migrate} within the 63 characters of a Service name,
   * a label value and a Job's pod label.
   */
  public static final int MAX_INSTANCE = 40;
  /** Services are named after the instance, so its name must be a DNS-1035 label. */
  public static final String DNS_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
  /** Image build Jobs and Dockerfile ConfigMaps, shared by the instances of a namespace. */
  public static final String BUILD_PREFIX = "ckan-build-";

  static final String REVISION = "-r";
  static final String REVISION_NUMBER = "[0-9]+";
  static final String WORKER = "-worker";
  static final String MIGRATE = "-migrate";
  static final String REINDEX = "-reindex";
  static final String CRON = "-cron-";
  static final String STORAGE = "-storage";
  static final String KEYS = "-keys";
  static final String SERVICES = "-services";
  static final String DATABASE = "-db";
  static final String DATABASE_INIT = "-db-init";
  static final String SOLR = "-solr";
  static final String REDIS = "-redis";

  /** Objects of one revision: {@code <instance>-r<N><ending>}. */
  public enum OfRevision {
    WEB("", "revision Deployment, Service and ConfigMap"),
    WORKER(Names.WORKER, "revision worker Deployment"),
    MIGRATION(MIGRATE, "revision migration Job"),
    SEARCH_INDEX_REBUILD(REINDEX, "revision search-index rebuild Job");

    private final String ending;
    private final String object;

    OfRevision(String ending, String object) {
      this.ending = ending;
      this.object = object;
    }

    public String of(String instance, int revision) {
      return instance + REVISION + revision + ending;
    }

    Reserved reserved() {
      return new Reserved(REVISION + REVISION_NUMBER + ending, "-r<N>" + ending, object);
    }
  }

  /** Objects of the instance as a whole: {@code <instance><ending>}. */
  public enum OfInstance {
    STORAGE(Names.STORAGE, "uploads PersistentVolumeClaim"),
    KEYS(Names.KEYS, "generated keys Secret"),
    SERVICES(Names.SERVICES, "managed services' credentials Secret"),
    DATABASE(Names.DATABASE, "managed PostgreSQL"),
    DATABASE_INIT(Names.DATABASE_INIT, "managed PostgreSQL's init script ConfigMap"),
    SOLR(Names.SOLR, "managed Solr"),
    REDIS(Names.REDIS, "managed Redis");

    private final String ending;
    private final String object;

    OfInstance(String ending, String object) {
      this.ending = ending;
      this.object = object;
    }

    public String of(String instance) {
      return instance + ending;
    }

    Reserved reserved() {
      return new Reserved(ending, ending, object);
    }
  }

  /** An ending the operator appends to an instance's name ({@code ending} a regular expression, {@code shown} as
   * people write it), and what the resulting name is given to. */
  public record Reserved(String ending, String shown, String object) {}

  /**
   * The CronJobs of {@code spec.schedules}: {@code <instance>-cron-<schedule>}. An instance name may not contain
   * {@code -cron-}, so the split of such a name into instance and schedule is unique.
   */
  public static final Reserved SCHEDULE = new Reserved(CRON + "[-a-z0-9]+", CRON + "<schedule>", "schedule CronJob");
  /** Kubernetes' limit for a CronJob name (its Jobs append 11 characters). */
  public static final int MAX_CRON_JOB = 52;

  /** Every ending of a derived name. */
  public static final List<Reserved> RESERVED = Stream.concat(Stream.concat(
      Arrays.stream(OfRevision.values()).map(OfRevision::reserved),
      Arrays.stream(OfInstance.values()).map(OfInstance::reserved)), Stream.of(SCHEDULE)).toList();

  /** The endings of {@link #RESERVED} as one anchored expression (RE2 and java.util.regex), for the CRD. */
  public static final String RESERVED_ENDING = "(" + REVISION + REVISION_NUMBER + "(" + WORKER + "|" + MIGRATE + "|"
      + REINDEX + ")?|" + STORAGE + "|" + KEYS + "|" + SERVICES + "|" + DATABASE + "|" + DATABASE_INIT + "|" + SOLR
      + "|" + REDIS + "|" + CRON + "[-a-z0-9]+)$";
  /** The endings of {@link #RESERVED} as people write them, for the CRD rule's message. */
  public static final String RESERVED_SHOWN = "-r<N>, -r<N>" + WORKER + ", -r<N>" + MIGRATE + ", -r<N>" + REINDEX
      + ", " + STORAGE + ", " + KEYS + ", " + SERVICES + ", " + DATABASE + ", " + DATABASE_INIT + ", " + SOLR + ", "
      + REDIS + " or " + CRON + "<schedule>";

  /** The CronJob of schedule {@code schedule} ({@link #SCHEDULE}). */
  public static String schedule(String instance, String schedule) {
    return instance + CRON + schedule;
  }

  public static String pointer(String instance) {
    return instance;
  }

  public static String revision(String instance, int revision) {
    return OfRevision.WEB.of(instance, revision);
  }

  /**
   * The build Job (and Dockerfile ConfigMap) of an image fingerprint. Named by the image, not the instance: every
   * instance of the namespace that needs this image shares the one build.
   */
  public static String build(String imageFingerprint) {
    return BUILD_PREFIX + imageFingerprint.substring(0, 12);
  }
}
