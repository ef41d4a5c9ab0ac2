package io.ckan.operator.resources;

import io.ckan.operator.resources.RuntimeEnv;
import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
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
 * before the revision takes traffic. It runs the operator's start command in {@code migrate} mode ({@link CkanStart}),
 * which loads the revision's plugins first and reports the core alembic heads before and after in its termination
 * message ({@link io.ckan.operator.release.MigrationResult}).
 *
 * <p>No retries ({@code backoffLimit: 0}: the operator decides whether to try again), bounded by
 * {@link #DEADLINE_SECONDS}, and kept after it finishes (no TTL): its pod's termination message is the record the
 * operator reads.
 */
public final class MigrationObjects {
  private MigrationObjects() {}

  public static final String CONTAINER = "migrate";
  public static final long DEADLINE_SECONDS = 1800;

  public static String name(String instance, int revision) {
    return Names.OfRevision.MIGRATION.of(instance, revision);
  }

  /**
   * @param plugins       the revision's plugins in load order (envvars last); each must match {@code [A-Za-z0-9_]+}
   *                      (they reach the container as CKAN__PLUGINS from the ConfigMap; checked here once more)
   * @param configMapName the revision's ConfigMap (non-secret env, CKAN__PLUGINS)
   * @param secretEnv     {@link RuntimeEnv#secretEnv}: database URLs and secret options, as secretKeyRefs
   */
  public static Job migrate(Owner owner, int revision, String image, String ckanVersion, List<String> plugins,
      String configMapName, List<EnvVar> secretEnv, Map<String, String> annotations) {
    checked(plugins);
    List<EnvVar> env = new ArrayList<>(secretEnv == null ? List.of() : secretEnv);
    env.add(CkanStart.expectedVersion(ckanVersion));
    env.add(new EnvVarBuilder().withName(CkanStart.PENDING_PLUGINS_ENV)
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
                .withCommand(CkanStart.command(CkanStart.MIGRATE, List.of()))
                .addNewEnvFrom().withNewConfigMapRef().withName(configMapName).endConfigMapRef().endEnvFrom()
                .withEnv(env)
                .withVolumeMounts(CkanStart.runtimeMount())
                .withTerminationMessagePath(CkanStart.TERMINATION_LOG)
                .withTerminationMessagePolicy("File")
                .withSecurityContext(RestrictedSecurity.container())
              .endContainer()
              .withVolumes(CkanStart.runtimeVolume())
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
