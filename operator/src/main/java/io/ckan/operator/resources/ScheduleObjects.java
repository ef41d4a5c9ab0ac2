package io.ckan.operator.resources;

import io.ckan.operator.api.ScheduleCommand;
import io.ckan.operator.api.ScheduleSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure: the periodic work of an instance, made from what its live revision runs. Every pod here runs the revision's
 * web container as its Deployment has it (image by digest, config snapshot ConfigMap, secretKeyRef env, the runtime
 * and uploads volumes, resources) with the operator's start command in {@code run} mode ({@link CkanStart}: the
 * revision's plugins are written into the ini and checked, then {@code ckan <command>} is exec'd), restricted pod
 * security, no service account token, no retries.
 *
 * <ul>
 *   <li>{@link #cronJob}: the CronJob {@code <instance>-cron-<schedule>} of one {@code spec.schedules[]} entry,
 *       labelled with the revision it runs ({@code ckan.io/revision}) and the hash of what the operator wrote
 *       ({@link Labels#SCHEDULE_HASH}, {@link #hash}): a CronJob whose hash differs is rewritten whole.</li>
 *   <li>{@link #searchIndexRebuild}: the one-off Job {@code <instance>-r<N>-reindex} that runs
 *       {@code ckan search-index rebuild} once revision N, whose migration changed the schema, is live.</li>
 * </ul>
 */
public final class ScheduleObjects {
  private ScheduleObjects() {}

  public static final String CONTAINER = "ckan";
  /** Changed whenever {@link #cronJob} makes something else of the same inputs: every CronJob is rewritten. */
  static final String FORMAT = "1";
  public static final int SUCCESSFUL_JOBS_KEPT = 3;
  public static final int FAILED_JOBS_KEPT = 1;
  /** A rebuild of a large catalogue takes hours; it is bounded all the same. */
  public static final long REBUILD_DEADLINE_SECONDS = 21600;

  public static String name(String instance, ScheduleSpec schedule) {
    return Names.schedule(instance, schedule.name);
  }

  public static String rebuildName(String instance, int revision) {
    return Names.OfRevision.SEARCH_INDEX_REBUILD.of(instance, revision);
  }

  /** The CronJob of {@code schedule}, running revision {@code revision} as its web Deployment {@code web} does. */
  public static CronJob cronJob(Owner owner, ScheduleSpec schedule, int revision, Deployment web) {
    ScheduleCommand command = ScheduleCommand.of(schedule.command).orElseThrow(() ->
        new IllegalArgumentException("not an allowed schedule command: " + schedule.command));
    Map<String, String> labels = Labels.revision(owner.name(), Labels.SCHEDULE, revision);
    labels.put(Labels.SCHEDULE_NAME, schedule.name);
    CronJob cronJob = new CronJobBuilder()
        .withMetadata(owner.meta(name(owner.name(), schedule), labels, releaseAnnotations(web)))
        .withNewSpec()
          .withSchedule(schedule.schedule)
          .withConcurrencyPolicy(schedule.concurrencyPolicyOrDefault().name())
          .withSuspend(schedule.suspendOrDefault())
          .withSuccessfulJobsHistoryLimit(SUCCESSFUL_JOBS_KEPT)
          .withFailedJobsHistoryLimit(FAILED_JOBS_KEPT)
          .withNewJobTemplate()
            .withNewMetadata().withLabels(new LinkedHashMap<>(labels)).endMetadata()
            .withNewSpec()
              .withBackoffLimit(0)
              .withActiveDeadlineSeconds((long) schedule.activeDeadlineSecondsOrDefault())
              .withNewTemplate()
                .withNewMetadata().withLabels(new LinkedHashMap<>(labels)).endMetadata()
                .withSpec(pod(web, command.tokens()))
              .endTemplate()
            .endSpec()
          .endJobTemplate()
        .endSpec()
        .build();
    cronJob.getMetadata().getAnnotations().put(Labels.SCHEDULE_HASH, hash(schedule, revision, fingerprint(web)));
    return cronJob;
  }

  /** The search-index rebuild Job of revision {@code revision}, running as its web Deployment {@code web} does. */
  public static Job searchIndexRebuild(Owner owner, int revision, Deployment web) {
    Map<String, String> labels = Labels.revision(owner.name(), Labels.REINDEX, revision);
    return new JobBuilder()
        .withMetadata(owner.meta(rebuildName(owner.name(), revision), labels, releaseAnnotations(web)))
        .withNewSpec()
          .withBackoffLimit(0)
          .withActiveDeadlineSeconds(REBUILD_DEADLINE_SECONDS)
          .withNewTemplate()
            .withNewMetadata().withLabels(new LinkedHashMap<>(labels)).endMetadata()
            .withSpec(pod(web, ScheduleCommand.SEARCH_INDEX_REBUILD.tokens()))
          .endTemplate()
        .endSpec()
        .build();
  }

  /** The revision {@code ckan.io/revision} a CronJob of ours runs, or null. */
  public static Integer revision(CronJob cronJob) {
    Map<String, String> labels = cronJob.getMetadata().getLabels();
    String value = labels == null ? null : labels.get(Labels.REVISION);
    return value != null && value.matches("[0-9]{1,9}") ? Integer.valueOf(value) : null;
  }

  /** The hash the operator wrote on the CronJob, or null. */
  public static String writtenHash(CronJob cronJob) {
    Map<String, String> annotations = cronJob.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Labels.SCHEDULE_HASH);
  }

  /** Which release runs: the web Deployment's fingerprint and CKAN version annotations. */
  private static Map<String, String> releaseAnnotations(Deployment web) {
    Map<String, String> from = web.getMetadata().getAnnotations() == null ? Map.of()
        : web.getMetadata().getAnnotations();
    Map<String, String> annotations = new LinkedHashMap<>();
    for (String key : List.of(Labels.FINGERPRINT, Labels.CKAN_VERSION)) {
      if (from.get(key) != null) {
        annotations.put(key, from.get(key));
      }
    }
    return annotations;
  }

  /** The web pod's container and volumes, running {@code ckan <tokens>} once. */
  private static PodSpec pod(Deployment web, List<String> tokens) {
    PodSpec webPod = web.getSpec().getTemplate().getSpec();
    Container ckan = webPod.getContainers().stream().filter(c -> RevisionObjects.CONTAINER.equals(c.getName()))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("Deployment " + web.getMetadata().getName()
            + " has no container " + RevisionObjects.CONTAINER));
    Container run = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(ckan.getImage())
        .withImagePullPolicy(ckan.getImagePullPolicy())
        .withCommand(CkanStart.command(CkanStart.RUN, tokens))
        .withEnvFrom(ckan.getEnvFrom())
        .withEnv(ckan.getEnv())
        .withVolumeMounts(ckan.getVolumeMounts())
        .withResources(ckan.getResources())
        .withTerminationMessagePath(CkanStart.TERMINATION_LOG)
        .withTerminationMessagePolicy("File")
        .withSecurityContext(RestrictedSecurity.container())
        .build();
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withSecurityContext(RestrictedSecurity.ckanPod())
        .withContainers(run)
        .withVolumes(webPod.getVolumes())
        .build();
  }

  /** The release the web Deployment runs ({@link Labels#FINGERPRINT}), or null. */
  public static String fingerprint(Deployment web) {
    Map<String, String> annotations = web.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Labels.FINGERPRINT);
  }

  /**
   * What a CronJob is made of, as 16 hex digits of SHA-256: the schedule, the revision and its release, and the
   * version of this builder. A revision's pod template never changes once created, so these decide the whole CronJob,
   * and a pass compares them without reading the revision's Deployment (the caches keep no pod template).
   */
  public static String hash(ScheduleSpec schedule, int revision, String fingerprint) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("format", FORMAT);
    inputs.put("schedule", schedule);
    inputs.put("revision", revision);
    inputs.put("fingerprint", fingerprint);
    try {
      byte[] json = Serialization.asJson(inputs).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
