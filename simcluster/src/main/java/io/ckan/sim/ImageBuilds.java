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
 * termination message, {@code {"digest":"sha256:...","commits":{"<extension>":"<40 hex>"},"lock":"<gzip+base64
 * pip freeze>"}}, the freeze being {@link #SIMULATED_FREEZE} plus the git extensions, where the extensions
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
    return json.append("},\"lock\":\"").append(encodedFreeze(commits)).append("\"}").toString();
  }

  /**
   * A plausible {@code pip freeze --all} of a CKAN 2.11 image: simulated, not recorded from a real build. Each
   * resolved git extension appears as a VCS install at its commit, as pip reports an editable install.
   */
  static final String SIMULATED_FREEZE = """
      # simulated by io.ckan.sim.ImageBuilds, not recorded from a real image
      alembic==1.13.2
      Babel==2.16.0
      bleach==6.1.0
      blinker==1.8.2
      ckan==2.11.5
      click==8.1.7
      Flask==3.0.3
      Flask-Babel==4.0.0
      Flask-Login==0.6.3
      Flask-WTF==1.2.1
      Jinja2==3.1.4
      MarkupSafe==2.1.5
      pip==24.2
      psycopg2==2.9.9
      pysolr==3.10.0
      python-dateutil==2.9.0.post0
      pytz==2024.1
      PyYAML==6.0.2
      redis==5.0.8
      requests==2.32.3
      rq==1.16.2
      setuptools==72.1.0
      SQLAlchemy==1.4.52
      urllib3==2.2.2
      Werkzeug==3.0.6
      WTForms==3.1.2
      """;

  static String encodedFreeze(java.util.SortedMap<String, String> commits) {
    StringBuilder freeze = new StringBuilder(SIMULATED_FREEZE);
    commits.forEach((name, commit) -> freeze.append("-e git+https://example.invalid/ckanext-").append(name)
        .append('@').append(commit).append("#egg=ckanext_").append(name.replace('-', '_')).append('\n'));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(bytes)) {
      gzip.write(freeze.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
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
