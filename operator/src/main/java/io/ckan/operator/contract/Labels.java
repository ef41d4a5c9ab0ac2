package io.ckan.operator.contract;

import java.util.LinkedHashMap;
import java.util.Map;

/** Label and annotation keys of the resource contract (DESIGN.md section 2). */
public final class Labels {
  private Labels() {}

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String VERSION = "app.kubernetes.io/version";
  public static final String REVISION = "ckan.io/revision";

  public static final String APP = "ckan";
  public static final String OPERATOR = "ckan-operator";
  public static final String WEB = "web";
  public static final String BUILD = "build";
  public static final String WORKER = "worker";
  public static final String MIGRATE = "migrate";
  public static final String POINTER = "pointer";
  /** A revision's preview Ingress (its own Service at its preview host). */
  public static final String PREVIEW = "preview";
  /** The locked set of a revision (its ConfigMap is not the revision's config snapshot). */
  public static final String LOCK = "lock";
  /** A CronJob of spec.schedules (its Jobs and pods carry it too). */
  public static final String SCHEDULE = "schedule";
  /** The one-off search-index rebuild Job of a revision whose migration changed the schema. */
  public static final String REINDEX = "reindex";
  /** On a schedule's CronJob: the spec.schedules[].name it runs. */
  public static final String SCHEDULE_NAME = "ckan.io/schedule";
  /** On a schedule's CronJob: a hash of the CronJob the operator last wrote (its spec as built, unsuspended). */
  public static final String SCHEDULE_HASH = "ckan.io/schedule-hash";

  /** Selects everything this operator manages; the informers use it. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  // annotations on revision objects
  public static final String FINGERPRINT = "ckan.io/fingerprint";
  public static final String IMAGE_FINGERPRINT = "ckan.io/image-fingerprint";
  public static final String CKAN_VERSION = "ckan.io/version";
  public static final String IMAGE = "ckan.io/image";
  /** Where the revision's image comes from: build (the operator built it), prebuilt, or base. */
  public static final String IMAGE_SOURCE = "ckan.io/image-source";
  /** The revision's verdict, written once it is known: Stable, Failed, RolledBack. */
  public static final String VERDICT = "ckan.io/verdict";
  public static final String VERDICT_REASON = "ckan.io/verdict-reason";
  /** Comma-separated plugin list the revision must report in status_show. */
  public static final String PLUGINS = "ckan.io/plugins";
  /**
   * On revisions whose image the operator builds: JSON map extension name -> what is installed ("pip <pin>" or
   * "git <url>@<ref>", with " -r <requirementsFile>"), what {@code kubectl ckan diff} compares.
   */
  public static final String EXTENSIONS = "ckan.io/extensions";

  /** When the revision was last brought up for an attempt (its progress deadline counts from here). */
  public static final String ATTEMPT_STARTED_AT = "ckan.io/attempt-started-at";
  /** The last `ckan.io/retry` token acted on for this revision. */
  public static final String RETRY_HANDLED = "ckan.io/retry-handled";

  /** JSON map extension name -> commit its git ref resolved to, on revisions and build Jobs. */
  public static final String RESOLVED_COMMITS = "ckan.io/resolved-commits";
  /** On build Jobs: the pushed image (repository@sha256:...), once the build succeeded. */
  public static final String BUILT_IMAGE = "ckan.io/built-image";
  /** On build Jobs: the image's {@code pip freeze --all}, gzip+base64 as the build reported it. */
  public static final String LOCKED_SET = "ckan.io/locked-set";
  /** On build Jobs: the tag the image was pushed under. */
  public static final String IMAGE_TAG = "ckan.io/image-tag";
  /** On build Jobs: the first 12 hex digits of the image fingerprint (labels are at most 63 characters). */
  public static final String IMAGE_FP12 = "ckan.io/image-fp12";

  /** On a revision's ConfigMap (and Deployment): alembic heads before and after its migration. */
  public static final String SCHEMA_BEFORE = "ckan.io/schema-before";
  public static final String SCHEMA_AFTER = "ckan.io/schema-after";
  /**
   * The backup taken before a revision's migration (on its ConfigMap once the backup succeeded, and on the backup
   * and restore Jobs): a name {@code kubectl ckan restore} takes.
   */
  public static final String BACKUP = "ckan.io/backup";

  // annotations on the pointer Service
  public static final String SWITCHED_AT = "ckan.io/switched-at";
  public static final String PREVIOUS_REVISION = "ckan.io/previous-revision";
  public static final String HISTORY = "ckan.io/history";
  /** The last `ckan.io/rollback-to` request acted on; written with the pointer move it caused. */
  public static final String ROLLBACK_HANDLED = "ckan.io/rollback-handled";
  /** Why the handled rollback request was refused (absent when it was acted on). */
  public static final String ROLLBACK_REJECTED = "ckan.io/rollback-rejected";
  /** The last `ckan.io/promote` request acted on; written with the pointer move it caused, or with its refusal. */
  public static final String PROMOTE_HANDLED = "ckan.io/promote-handled";
  /** Why the handled promote request was refused (absent when it was acted on). */
  public static final String PROMOTE_REJECTED = "ckan.io/promote-rejected";

  // annotations a person puts on the CkanInstance (never edited or removed by the operator)
  public static final String ROLLBACK_TO = "ckan.io/rollback-to";
  public static final String RETRY = "ckan.io/retry";
  public static final String PAUSED = "ckan.io/paused";
  public static final String PROMOTE = "ckan.io/promote";

  public static Map<String, String> instance(String instance, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP);
    labels.put(INSTANCE, instance);
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(COMPONENT, component);
    return labels;
  }

  public static Map<String, String> revision(String instance, String component, int revision) {
    Map<String, String> labels = instance(instance, component);
    labels.put(REVISION, Integer.toString(revision));
    return labels;
  }

  /** What a revision's web pods are selected by (the pointer Service selects exactly this). */
  public static Map<String, String> webSelector(String instance, int revision) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(INSTANCE, instance);
    selector.put(COMPONENT, WEB);
    selector.put(REVISION, Integer.toString(revision));
    return selector;
  }
}
