package io.ckan.operator.api;

/**
 * Regular expressions shared by the CRD schema (annotations) and the runtime validator, so the two never disagree.
 * Each admits only characters that are safe in a Dockerfile, a shell word and a Kubernetes label value.
 */
public final class Patterns {
  private Patterns() {}

  public static final String VERSION = "^[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$";
  /** An extension's own name (also used for object names and build stages). */
  public static final String EXTENSION_NAME = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
  /** PyPI requirement with an exact pin, e.g. ckanext-dcat==2.4.4 (optionally with extras). */
  public static final String PIP_PIN =
      "^[A-Za-z0-9]([A-Za-z0-9._-]{0,99})(\\[[A-Za-z0-9_,-]{1,100}\\])?==[0-9A-Za-z][0-9A-Za-z.+!_-]{0,63}$";
  /** https only, host and path of plain URL characters (no user info, query, fragment or spaces). */
  public static final String GIT_URL =
      "^https://[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?(/[A-Za-z0-9._~-]{1,100}){1,10}/?$";
  /** A tag or commit: letters, digits, dot, dash, underscore, slash; no leading dash or dot. */
  public static final String GIT_REF = "^[A-Za-z0-9_][A-Za-z0-9._/-]{0,127}$";
  public static final String COMMIT = "^[0-9a-f]{40}$";
  /** Relative path inside the extension's source tree. */
  public static final String RELATIVE_PATH = "^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$";
  public static final String PLUGIN = "^[A-Za-z0-9_]{1,100}$";
  /** Dotted CKAN option name, e.g. ckan.site_url or scheming.dataset_schemas. */
  public static final String CONFIG_KEY = "^[a-z0-9_]{1,64}(\\.[a-z0-9_]{1,64}){0,8}$";
  /** {@link #CONFIG_KEY} with backslashes doubled, for use inside a CEL string literal. */
  public static final String CONFIG_KEY_CEL = "^[a-z0-9_]{1,64}(\\\\.[a-z0-9_]{1,64}){0,8}$";
  /** An image reference pinned by digest: [registry[:port]/]path[:tag]@sha256:64hex. */
  public static final String IMAGE_BY_DIGEST =
      "^[a-z0-9]([a-z0-9._-]{0,127})(:[0-9]{1,5})?(/[a-z0-9]([a-z0-9._-]{0,127}))*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?@sha256:[a-f0-9]{64}$";
  /** A repository without tag or digest: [registry[:port]/]path. */
  public static final String REPOSITORY =
      "^[a-z0-9]([a-z0-9._-]{0,127})(:[0-9]{1,5})?(/[a-z0-9]([a-z0-9._-]{0,127}))*$";
  /** A key inside a Secret. */
  public static final String SECRET_KEY = "^[-._a-zA-Z0-9]{1,253}$";
  /** An http(s) URL without credentials, query or fragment (e.g. a Solr core). */
  public static final String SERVICE_URL =
      "^https?://[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?(/[A-Za-z0-9._~-]{1,100}){0,10}/?$";
  /** An RQ queue name. */
  public static final String QUEUE = "^[a-z0-9][a-z0-9_-]{0,62}$";
  /** A DNS host name for an Ingress. */
  public static final String HOST = "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$";
  /**
   * A preview host: a DNS host name in which exactly one label holds the placeholder {@value #REVISION_PLACEHOLDER}
   * (not the top-level one), e.g. {@code r{revision}.preview.example.org}. The label around the placeholder leaves
   * room for the nine digits a revision number has at most (63 characters).
   */
  public static final String PREVIEW_HOST = "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)*([a-z0-9][-a-z0-9]{0,26})?"
      + "\\{revision\\}([-a-z0-9]{0,26}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\\.[a-z]{2,63}$";
  public static final String REVISION_PLACEHOLDER = "{revision}";
  /** A Kubernetes quantity such as 20Gi. */
  public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$";
  /** An S3 bucket name. */
  public static final String BUCKET = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";
  /** A Kubernetes object name (DNS-1123 subdomain). */
  public static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$";
  /**
   * A password inside a URL, {@code scheme://user:password@host} (also {@code redis://:password@host}); searched, not
   * anchored. RE2 and java.util.regex alike, and free of quotes and backslashes, so a CEL string literal can hold it.
   */
  public static final String URL_WITH_PASSWORD = "://[^/?#@]*:[^/?#@]*@";
  /**
   * A smoke check's path on the revision's own Service: one leading slash (never two: {@code //host} names a host),
   * plain path characters, an optional query; no user info ({@code @}), fragment, spaces or scheme.
   */
  public static final String SMOKE_PATH =
      "^/([A-Za-z0-9._~%+,:=-][A-Za-z0-9._~%+,:=/-]{0,199})?(\\?[A-Za-z0-9._~%+,:=&/-]{1,200})?$";
  public static final int SMOKE_PATH_MAX = 402;
  /**
   * A query parameter that looks like a credential ({@code api_key=}, {@code token=}, {@code password=}...); searched,
   * not anchored, RE2 and java.util.regex alike. Smoke checks run anonymously: a path carrying one is refused.
   */
  public static final String CREDENTIAL_QUERY = "(?i)[?&][a-z0-9_.-]*(key|token|password|passwd|secret|auth|session)"
      + "[a-z0-9_.-]*=";
  /** A dotted path into a JSON answer, e.g. {@code result.count}; numbers index arrays. */
  public static final String JSON_FIELD = "^[A-Za-z0-9_-]{1,64}(\\.[A-Za-z0-9_-]{1,64}){0,9}$";
  /** A schedule's name (a DNS label); the CronJob is {@code <instance>-cron-<name>}. */
  public static final String SCHEDULE_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  // a cron field: item(,item)*, item = (* | v | v-v)(/step)?
  private static final String ANY_OR = "(\\*|";
  private static final String STEP = ")(/[1-9][0-9]?)?";
  private static final String MINUTE = "([0-5]?[0-9])";
  private static final String HOUR = "(1?[0-9]|2[0-3])";
  private static final String DAY = "([1-9]|[12][0-9]|3[01])";
  private static final String MONTH = "([1-9]|1[0-2])";
  private static final String WEEKDAY = "([0-7])";
  private static final String MINUTES = ANY_OR + MINUTE + "(-" + MINUTE + ")?" + STEP;
  private static final String HOURS = ANY_OR + HOUR + "(-" + HOUR + ")?" + STEP;
  private static final String DAYS = ANY_OR + DAY + "(-" + DAY + ")?" + STEP;
  private static final String MONTHS = ANY_OR + MONTH + "(-" + MONTH + ")?" + STEP;
  private static final String WEEKDAYS = ANY_OR + WEEKDAY + "(-" + WEEKDAY + ")?" + STEP;
  /**
   * A standard 5-field cron expression, fields separated by one space: minute (0-59), hour (0-23), day of month
   * (1-31), month (1-12), day of week (0-7); each a comma list of *, a value or a range, with an optional /step.
   */
  public static final String CRON = "^" + MINUTES + "(," + MINUTES + ")* " + HOURS + "(," + HOURS + ")* " + DAYS
      + "(," + DAYS + ")* " + MONTHS + "(," + MONTHS + ")* " + WEEKDAYS + "(," + WEEKDAYS + ")*$";
  /** Exactly the texts of {@link ScheduleCommand} (ScheduleCommandTest holds the two together). */
  public static final String SCHEDULE_COMMAND = "^(search-index rebuild|search-index rebuild-fast"
      + "|search-index clear-orphans|jobs clear|notify send_emails|tracking update|harvester run"
      + "|harvester clean-harvest-log|harvester abort-failed-jobs)$";
  /** 52 (the longest CronJob name) less the shortest prefix, "a-cron-". */
  public static final int SCHEDULE_NAME_MAX = 45;
  public static final int CRON_MAX = 200;
  /** The longest text of {@link #SCHEDULE_COMMAND}. */
  public static final int SCHEDULE_COMMAND_MAX = 27;
  /** A CKAN option's value in spec.config. */
  public static final int CONFIG_VALUE_MAX = 8192;

  // The longest strings the patterns above admit. Declared as maxLength beside the pattern wherever a CEL rule may
  // read the value: the API server bounds a rule's cost by declared lengths only, never by a pattern.
  public static final int EXTENSION_NAME_MAX = 63;
  public static final int PIP_PIN_MAX = 268;
  public static final int GIT_URL_MAX = 1278;
  public static final int GIT_REF_MAX = 128;
  public static final int RELATIVE_PATH_MAX = 200;
  public static final int PLUGIN_MAX = 100;
  public static final int CONFIG_KEY_MAX = 584;
  public static final int SECRET_KEY_MAX = 253;
  public static final int OBJECT_NAME_MAX = 253;
  public static final int SERVICE_URL_MAX = 1278;
  /** An image reference: the pattern repeats path segments without bound; 512 holds any registry's practical names. */
  public static final int IMAGE_MAX = 512;
  public static final int BUCKET_MAX = 63;
  public static final int QUEUE_MAX = 63;

  /** An image reference with a tag or a digest (used for base-image overrides). */
  public static final String IMAGE =
      "^[a-z0-9]([a-z0-9._-]{0,127})(:[0-9]{1,5})?(/[a-z0-9]([a-z0-9._-]{0,127}))*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$";
}
