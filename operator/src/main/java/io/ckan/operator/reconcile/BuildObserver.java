package io.ckan.operator.reconcile;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ckan.operator.plan.JobState;
import io.ckan.operator.plan.ObservedBuild;
import io.ckan.operator.release.BuildResult;
import io.ckan.operator.contract.Labels;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the namespace's build Jobs (shared by all instances) and the images retained revisions run, for the planner.
 * The only impure part is {@code podsOfJob}: a succeeded build's digest is in its pod's termination message until
 * the operator records it on the Job.
 */
final class BuildObserver {
  private BuildObserver() {}

  /**
   * @param wantedImage the image fingerprint this instance needs (its Job's pod is read for an unrecorded result);
   *                    other builds are reported by state only
   */
  static Map<String, ObservedBuild> builds(Collection<Job> jobs, String instanceUid, String wantedImage,
      Function<String, List<Pod>> podsOfJob) {
    Map<String, ObservedBuild> builds = new HashMap<>();
    for (Job job : jobs) {
      Map<String, String> a = annotations(job);
      String fingerprint = a.get(Labels.IMAGE_FINGERPRINT);
      if (fingerprint == null) {
        continue;
      }
      JobState state = JobStates.of(job);
      boolean owned = job.getMetadata().getOwnerReferences() != null && job.getMetadata().getOwnerReferences()
          .stream().anyMatch(o -> instanceUid != null && instanceUid.equals(o.getUid()));
      String image = a.get(Labels.BUILT_IMAGE);
      Map<String, String> commits = commits(a.get(Labels.RESOLVED_COMMITS));
      String lock = a.get(Labels.LOCKED_SET);
      boolean recorded = image != null;
      String message = "";
      if (!recorded && state != JobState.RUNNING && fingerprint.equals(wantedImage)) {
        Optional<String> termination = terminationMessage(podsOfJob.apply(job.getMetadata().getName()));
        if (state == JobState.SUCCEEDED) {
          Optional<BuildResult> result = termination.flatMap(BuildResult::parse);
          if (result.isPresent()) {
            image = BuildResult.imageRef(a.get(Labels.IMAGE_TAG), result.get().digest());
            commits = result.get().commits();
            lock = result.get().lock();
          } else {
            message = "termination message " + termination.map(m -> "'" + abbreviate(m) + "'").orElse("missing");
          }
        } else {
          message = termination.map(BuildObserver::abbreviate).orElseGet(() -> failureReason(job));
        }
      }
      builds.put(fingerprint, new ObservedBuild(fingerprint, job.getMetadata().getName(), state, image, commits,
          recorded, owned, message, lock));
    }
    return builds;
  }

  /** Image fingerprint -> image, for revisions (of any instance here) whose image the operator built. */
  static Map<String, String> knownImages(Collection<Deployment> deployments) {
    Map<String, String> known = new HashMap<>();
    for (Deployment d : deployments) {
      Map<String, String> a = annotations(d);
      String image = a.get(Labels.IMAGE);
      if ("build".equals(a.get(Labels.IMAGE_SOURCE)) && image != null && image.contains("@sha256:")
          && a.get(Labels.IMAGE_FINGERPRINT) != null) {
        known.put(a.get(Labels.IMAGE_FINGERPRINT), image);
      }
    }
    return known;
  }

  private static String failureReason(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return "the build Job failed";
    }
    return job.getStatus().getConditions().stream().filter(c -> "Failed".equals(c.getType()))
        .map(c -> c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()))
        .findFirst().orElse("the build Job failed");
  }

  /** The last terminated container (init containers first) that left a message. */
  static Optional<String> terminationMessage(List<Pod> pods) {
    for (Pod pod : pods) {
      if (pod.getStatus() == null) {
        continue;
      }
      List<ContainerStatus> statuses = new ArrayList<>();
      if (pod.getStatus().getInitContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getInitContainerStatuses());
      }
      if (pod.getStatus().getContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getContainerStatuses());
      }
      Optional<String> failed = statuses.stream()
          .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
          .map(s -> s.getState().getTerminated())
          .filter(t -> t.getMessage() != null && !t.getMessage().isBlank())
          .sorted((x, y) -> Boolean.compare(nz(y.getExitCode()) != 0, nz(x.getExitCode()) != 0))
          .map(t -> t.getMessage().trim())
          .findFirst();
      if (failed.isPresent()) {
        return failed;
      }
    }
    return Optional.empty();
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }

  private static Map<String, String> commits(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      return Serialization.jsonMapper().readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (Exception e) {
      return Map.of();
    }
  }

  private static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
  }

  private static Map<String, String> annotations(HasMetadata o) {
    return o.getMetadata().getAnnotations() == null ? Map.of() : o.getMetadata().getAnnotations();
  }

}
