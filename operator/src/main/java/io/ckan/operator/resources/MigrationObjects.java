package io.ckan.operator.resources;

import io.ckan.operator.api.Patterns;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure: the Job {@code <instance>-r<N>-migrate} that brings the database schema to what revision N's image expects,
 * before the revision takes traffic. It runs the fixed {@link MigrationScript} and reports the core alembic heads
 * before and after in its termination message ({@link io.ckan.operator.release.MigrationResult}).
 *
 * <p>No retries ({@code backoffLimit: 0}: the operator decides whether to try again), bounded by
 * {@link #DEADLINE_SECONDS}, and kept after it finishes (no TTL): its pod's termination message is the record the
 * operator reads.
 */
public final class MigrationObjects {
  private MigrationObjects() {}

  public static final String CONTAINER = "migrate";
  public static final long DEADLINE_SECONDS = 1800;
  public static final String TERMINATION_LOG = "/dev/termination-log";
  /** Space-separated plugin names: the revision's ckan.plugins, set in the Job's ckan.ini before migrating. */
  public static final String PLUGINS_ENV = "CKAN_MIGRATE_PLUGINS";
  /** {@code true} before CKAN 2.11, whose {@code ckan db upgrade} does not migrate plugins. */
  public static final String PENDING_PLUGINS_ENV = "CKAN_MIGRATE_PENDING_PLUGINS";

  public static String name(String instance, int revision) {
    return Names.revision(instance, revision) + "-migrate";
  }

  /**
   * @param plugins       the revision's plugins in load order (envvars last); each must match {@code [A-Za-z0-9_]+}
   * @param configMapName the revision's ConfigMap (non-secret env)
   * @param secretEnv     {@link RuntimeEnv#secretEnv}: database URLs and secret options, as secretKeyRefs
   */
  public static Job migrate(Owner owner, int revision, String image, String ckanVersion, List<String> plugins,
      String configMapName, List<EnvVar> secretEnv, Map<String, String> annotations) {
    String joined = String.join(" ", checked(plugins));
    List<EnvVar> env = new ArrayList<>(secretEnv == null ? List.of() : secretEnv);
    env.add(new EnvVarBuilder().withName(PLUGINS_ENV).withValue(joined).build());
    env.add(new EnvVarBuilder().withName(PENDING_PLUGINS_ENV)
        .withValue(Boolean.toString(!CkanLine.atLeast(ckanVersion, 2, 11))).build());
    Map<String, String> labels = Labels.revision(owner.name(), Labels.MIGRATE, revision);
    return new JobBuilder()
        .withMetadata(owner.meta(name(owner.name(), revision), labels,
            new LinkedHashMap<>(annotations == null ? Map.of() : annotations)))
        .withNewSpec()
          .withBackoffLimit(0)
          .withActiveDeadlineSeconds(DEADLINE_SECONDS)
          .withNewTemplate()
            .withNewMetadata().withLabels(Labels.revision(owner.name(), Labels.MIGRATE, revision)).endMetadata()
            .withNewSpec()
              .withRestartPolicy("Never")
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withSecurityContext(RestrictedSecurity.ckanPod())
              .addNewContainer()
                .withName(CONTAINER)
                .withImage(image)
                .withImagePullPolicy(WorkerObjects.pullPolicy(image))
                .withCommand("sh", "-c", MigrationScript.SCRIPT)
                .addNewEnvFrom().withNewConfigMapRef().withName(configMapName).endConfigMapRef().endEnvFrom()
                .withEnv(env)
                .withTerminationMessagePath(TERMINATION_LOG)
                .withTerminationMessagePolicy("File")
                .withSecurityContext(RestrictedSecurity.container())
              .endContainer()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  private static List<String> checked(List<String> plugins) {
    List<String> result = plugins == null ? List.of() : List.copyOf(plugins);
    for (String plugin : result) {
      if (plugin == null || !plugin.matches(Patterns.PLUGIN)) {
        throw new IllegalArgumentException("not a plugin name: " + plugin);
      }
    }
    return result;
  }
}
