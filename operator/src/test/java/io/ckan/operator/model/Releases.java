package io.ckan.operator.model;

import io.ckan.operator.TestServices;
import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.api.WorkersSpec;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The specs the model applies: five releases (what the pods run), two of them with an extension the operator builds
 * an image for. Replicas are not part of a release. Small bake window, deadline and history limit, so a sequence of
 * a dozen steps bakes, fails at deadlines and prunes.
 */
final class Releases {
  private Releases() {}

  static final String INSTANCE = "portal";
  static final int COUNT = 5;
  static final int BAKE_SECONDS = 60;
  static final int DEADLINE_SECONDS = 120;
  static final int HISTORY_LIMIT = 2;

  static CkanInstanceSpec spec(int release, int replicas) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = release == 0 || release == 4 ? "2.11.4" : "2.11.5";
    spec.plugins = new ArrayList<>(List.of("activity", "datatables_view"));
    spec.config = release == 2 ? Map.of("ckan.site_url", "https://data.example.org", "ckan.site_title", "Portal B")
        : Map.of("ckan.site_url", "https://data.example.org");
    if (release >= 3) {
      ExtensionSpec dcat = new ExtensionSpec();
      dcat.name = "dcat";
      dcat.pip = "ckanext-dcat==2.4.4";
      dcat.plugins = List.of("dcat");
      spec.extensions = new ArrayList<>(List.of(dcat));
      spec.plugins.add("dcat");
      spec.build = new BuildSpec();
      spec.build.registry = "registry.example.org/ckan/portal";
    }
    spec.services = TestServices.external();
    spec.workers = new WorkersSpec();
    spec.replicas = replicas;
    spec.rollout = new RolloutSpec();
    spec.rollout.bakeSeconds = BAKE_SECONDS;
    spec.rollout.progressDeadlineSeconds = DEADLINE_SECONDS;
    spec.rollout.revisionHistoryLimit = HISTORY_LIMIT;
    return spec;
  }

  private static final List<Release> RELEASES = java.util.stream.IntStream.range(0, COUNT)
      .mapToObj(i -> ((ReleaseOutcome.Ready) ReleaseFactory.from(spec(i, 1), INSTANCE)).release()).toList();

  /** The release a fingerprint annotation names, or -1. */
  static int byFingerprint(String fingerprint) {
    for (int i = 0; i < COUNT; i++) {
      if (RELEASES.get(i).fingerprint().equals(fingerprint)) {
        return i;
      }
    }
    return -1;
  }

  /** The release whose image a build Job's image fingerprint names, or -1. */
  static int byImage(String imageFingerprint) {
    for (int i = 0; i < COUNT; i++) {
      if (RELEASES.get(i).build() != null && RELEASES.get(i).imageFingerprint().equals(imageFingerprint)) {
        return i;
      }
    }
    return -1;
  }

  /** The image fingerprint the operator builds for a release, or null when it runs a base image. */
  static String builtImage(int release) {
    Release r = RELEASES.get(release);
    return r.build() == null ? null : r.imageFingerprint();
  }
}
