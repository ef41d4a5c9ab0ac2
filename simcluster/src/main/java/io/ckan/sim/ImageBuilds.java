package io.ckan.sim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What a release image build Job reports when it ends, following the operator's contract: one JSON line in the
 * termination message, {@code {"digest":"sha256:...","commits":{"<extension>":"<40 hex>"}}}, where the extensions
 * whose git refs were resolved are named by the {@code EXT_<i>_NAME} variables of the Job's containers.
 */
public final class ImageBuilds {
  private ImageBuilds() {}

  /** A build that pushes after {@code delay}; the digest is derived from the Job name (stable per image). */
  public static JobBehaviour pushes(Duration delay) {
    return JobBehaviour.succeed(delay, ImageBuilds::resultOf);
  }

  /** A build that fails like pip does when two extensions' requirements conflict. */
  public static JobBehaviour failsWithConflict(Duration delay) {
    return JobBehaviour.fail(delay, "ERROR: Cannot install ckanext-a and ckanext-b because these package versions "
        + "have conflicting dependencies.");
  }

  static String resultOf(Job job) {
    TreeMap<String, String> commits = new TreeMap<>();
    for (String name : gitExtensions(job)) {
      commits.put(name, JobBehaviour.fakeDigest(job.getMetadata().getName() + "/" + name).substring(7, 47));
    }
    StringBuilder json = new StringBuilder("{\"digest\":\"")
        .append(JobBehaviour.fakeDigest(job.getMetadata().getName())).append("\",\"commits\":{");
    String sep = "";
    for (var e : commits.entrySet()) {
      json.append(sep).append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
      sep = ",";
    }
    return json.append("}}").toString();
  }

  private static List<String> gitExtensions(Job job) {
    List<String> names = new ArrayList<>();
    var pod = job.getSpec() == null || job.getSpec().getTemplate() == null ? null
        : job.getSpec().getTemplate().getSpec();
    if (pod == null) {
      return names;
    }
    List<Container> containers = new ArrayList<>();
    if (pod.getInitContainers() != null) {
      containers.addAll(pod.getInitContainers());
    }
    if (pod.getContainers() != null) {
      containers.addAll(pod.getContainers());
    }
    for (Container c : containers) {
      if (c.getEnv() == null) {
        continue;
      }
      for (EnvVar v : c.getEnv()) {
        if (v.getName().matches("EXT_[0-9]+_NAME") && v.getValue() != null && !names.contains(v.getValue())) {
          names.add(v.getValue());
        }
      }
    }
    return names;
  }
}
