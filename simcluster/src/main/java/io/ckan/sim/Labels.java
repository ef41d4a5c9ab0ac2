package io.ckan.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Map;
import java.util.Optional;

/** The label contract the operator writes and the simulated cluster reads. */
public final class Labels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "ckan-operator";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String VERSION = "app.kubernetes.io/version";
  public static final String REVISION = "ckan.io/revision";

  /** Labels the (simulated) Job controller puts on the pods of a Job. */
  public static final String JOB_NAME = "job-name";
  public static final String BATCH_JOB_NAME = "batch.kubernetes.io/job-name";
  public static final String CONTROLLER_UID = "controller-uid";
  public static final String BATCH_CONTROLLER_UID = "batch.kubernetes.io/controller-uid";

  private Labels() {
  }

  /** The selector every simulated controller watches with. */
  public static String managedBySelector() {
    return MANAGED_BY + "=" + MANAGED_BY_VALUE;
  }

  static Optional<String> get(HasMetadata object, String key) {
    Map<String, String> labels = object.getMetadata() == null ? null : object.getMetadata().getLabels();
    return Optional.ofNullable(labels).map(l -> l.get(key));
  }

  static boolean has(HasMetadata object, String key, String value) {
    return get(object, key).map(value::equals).orElse(false);
  }

  static boolean isRevision(HasMetadata object, String instance, int revision) {
    return has(object, INSTANCE, instance) && has(object, REVISION, Integer.toString(revision));
  }
}
