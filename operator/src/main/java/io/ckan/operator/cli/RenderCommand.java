package io.ckan.operator.cli;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.release.Dockerfile;
import io.ckan.operator.release.ImageBuild;
import io.ckan.operator.release.ImageTag;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.ckan.operator.resources.BuildObjects;
import io.ckan.operator.resources.GeneratedSecrets;
import io.ckan.operator.resources.Names;
import io.ckan.operator.resources.Owner;
import io.ckan.operator.resources.PointerService;
import io.ckan.operator.resources.RevisionObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code render -f cr.yaml}: prints, offline, the objects the operator creates for a spec as revision N (default 1),
 * so a GitOps pipeline can review a change before merging it. Exit 0 on success, 1 for an invalid or blocked spec
 * (message names the field), 2 for usage errors.
 */
final class RenderCommand {
  private RenderCommand() {}

  /** Placeholder for the owner's uid, which only the API server assigns. */
  static final String UID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000";

  static int render(String[] args, PrintStream out, PrintStream err) throws Exception {
    Path file = null;
    int revision = 1;
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("-f") || args[i].equals("--file")) && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (args[i].equals("--revision") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,8}")) {
        revision = Integer.parseInt(args[++i]);
      } else {
        err.println("render: unexpected argument '" + args[i] + "'; usage: render -f cr.yaml [--revision N]");
        return 2;
      }
    }
    if (file == null) {
      err.println("render: -f cr.yaml is required");
      return 2;
    }
    CkanInstance instance;
    try (InputStream in = Files.newInputStream(file)) {
      instance = Serialization.unmarshal(in, CkanInstance.class);
    } catch (RuntimeException e) {
      err.println("render: " + file + " is not a CkanInstance: " + e.getMessage());
      return 1;
    }
    if (instance == null || instance.getMetadata() == null || instance.getMetadata().getName() == null) {
      err.println("render: " + file + ": metadata.name is required");
      return 1;
    }
    ReleaseOutcome outcome = ReleaseFactory.from(instance.getSpec(), instance.getMetadata().getName());
    if (outcome instanceof ReleaseOutcome.Invalid invalid) {
      err.println("invalid CkanInstance " + instance.getMetadata().getName() + ":");
      invalid.errors().forEach(e -> err.println("  " + e));
      return 1;
    }
    if (outcome instanceof ReleaseOutcome.Blocked blocked) {
      err.println("cannot release CkanInstance " + instance.getMetadata().getName() + " (" + blocked.reason() + "): "
          + blocked.message());
      return 1;
    }
    Release release = ((ReleaseOutcome.Ready) outcome).release();
    String namespace = instance.getMetadata().getNamespace() == null ? "default" : instance.getMetadata().getNamespace();
    Owner owner = new Owner(instance.getMetadata().getName(), namespace, UID_PLACEHOLDER);
    RolloutSpec rollout = instance.getSpec().rollout == null ? new RolloutSpec() : instance.getSpec().rollout;
    int replicas = instance.getSpec().replicas == null ? 1 : instance.getSpec().replicas;
    out.println("# ckan-operator render: revision " + revision + " of " + namespace + "/" + owner.name());
    List<HasMetadata> objects = new ArrayList<>();
    if (release.build() != null) {
      ImageBuild build = release.build();
      String name = Names.build(release.imageFingerprint());
      out.println("# image: built in the cluster by job/" + name + " and pushed as " + build.tag()
          + "; the Deployment runs the pushed digest");
      objects.add(BuildObjects.dockerfile(owner, name, Dockerfile.render(build.baseImage(), build.ckanVersion(),
          build.extensions()), release.imageFingerprint()));
      objects.add(BuildObjects.job(owner, name, new BuildObjects.BuildRequest(release.imageFingerprint(), build.tag(),
          build.extensions(), build.spec().builderOrDefault(), build.spec().pushSecret,
          build.spec().timeoutSecondsOrDefault())));
      release = release.withImage(ImageTag.repository(build.tag()) + "@sha256:<digest pushed by job/" + name + ">");
    } else {
      out.println("# image " + release.image() + (release.imagePinned() ? "" : " (NOT pinned by digest)"));
    }
    out.println("# fingerprint " + release.fingerprint() + ", plugins: " + String.join(" ", release.plugins()));
    for (String generated : GeneratedSecrets.needed(instance.getSpec(), owner.name())) {
      out.println("# Secret " + generated + ": created once by the operator with random values when it does not "
          + "exist (never overwritten, kept when the instance is deleted); not printed here");
    }
    objects.addAll(List.of(
        RevisionObjects.configMap(owner, revision, release),
        RevisionObjects.migration(owner, revision, release),
        RevisionObjects.service(owner, revision, release),
        RevisionObjects.deployment(owner, revision, release, replicas, rollout.progressDeadlineSecondsOrDefault())));
    Deployment worker = RevisionObjects.worker(owner, revision, release, instance.getSpec().workers == null ? 0
        : instance.getSpec().workers.replicasOrDefault());
    if (worker != null) {
      objects.add(worker);
    }
    objects.add(PointerService.build(owner, revision, Map.of()));
    for (HasMetadata object : objects) {
      out.print(Serialization.asYaml(object));
    }
    return 0;
  }
}
