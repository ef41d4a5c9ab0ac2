package io.ckan.operator.cli;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.ckan.operator.resources.DesiredState;
import io.ckan.operator.contract.Names;
import io.ckan.operator.resources.Owner;
import io.ckan.operator.resources.WorkerObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code render -f cr.yaml}: prints, offline, the objects the operator creates for a spec as revision N (default 1),
 * so a GitOps pipeline can review a change before merging it: the whole {@link DesiredState} (revision N's objects,
 * its image build when the operator builds it, its preview Ingress, the pointer Service selecting N, the Ingress,
 * the uploads PVC and the managed services), in creation order. The generated Secrets are printed as comments with placeholder values, so
 * applying the output never creates a Secret with a known value. Values only the cluster knows are placeholders: the
 * owner's uid, a built image's digest and the commits its git refs resolve to. Exit 0 on success, 1 for an invalid or blocked spec
 * (message names the field), 2 for usage errors.
 */
final class RenderCommand {
  private RenderCommand() {}

  /** Placeholder for the owner's uid, which only the API server assigns. */
  static final String UID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000";
  /** Generated Secrets are printed as comments with this prefix: applying the output never creates them. */
  static final String SECRET_PREFIX = "#   ";

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
    CkanInstanceSpec spec = instance.getSpec();
    RolloutSpec rollout = spec.rollout == null ? new RolloutSpec() : spec.rollout;
    int replicas = spec.replicas == null ? 1 : spec.replicas;
    DesiredState.BuiltImage built = release.build() == null ? null : DesiredState.BuiltImage.pending(release);
    List<HasMetadata> objects = new ArrayList<>(DesiredState.revision(owner, revision, release, replicas,
        rollout.progressDeadlineSecondsOrDefault(), built));
    DesiredState.preview(owner, spec, revision).ifPresent(objects::add);
    DesiredState.Instance whole = DesiredState.instance(owner, spec);
    objects.add(whole.pointer(revision));
    objects.addAll(whole.objects());
    // the schedules run what the pointer selects (here revision N), created once it selects it
    objects.addAll(DesiredState.schedules(owner, spec.schedules, revision, DesiredState.pick(objects,
        io.fabric8.kubernetes.api.model.apps.Deployment.class, Names.revision(owner.name(), revision))));

    out.println("# ckan-operator render: revision " + revision + " of " + namespace + "/" + owner.name());
    if (built != null) {
      out.println("# image: built in the cluster by job/" + Names.build(release.imageFingerprint()) + " and pushed as "
          + release.build().tag() + "; the Deployments run the pushed digest");
    } else {
      out.println("# image " + release.image() + (release.imagePinned() ? "" : " (NOT pinned by digest)"));
    }
    out.println("# fingerprint " + release.fingerprint() + ", plugins: " + String.join(" ", release.plugins()));
    if (spec.workers != null) {
      out.println("# worker Deployment " + WorkerObjects.name(owner.name(), revision) + " is created with 0 replicas "
          + "and scaled to " + spec.workers.replicasOrDefault() + " when the revision takes traffic");
    }
    if (spec.schedules != null && !spec.schedules.isEmpty()) {
      out.println("# CronJobs " + String.join(", ", spec.schedules.stream().map(s -> Names.schedule(owner.name(),
          s.name)).toList()) + " run the revision the pointer selects (here " + revision + ") and are switched "
          + "with it; suspended while the instance is paused");
    }
    if (rollout.searchIndexRebuildOrDefault()) {
      out.println("# when revision " + revision + " goes live after a migration that changed the schema, the Job "
          + io.ckan.operator.resources.ScheduleObjects.rebuildName(owner.name(), revision)
          + " runs ckan search-index rebuild once (rollout.searchIndexRebuild: never turns it off)");
    }
    if (spec.backup != null && spec.backup.enabledOrDefault()) {
      String name = io.ckan.operator.resources.BackupScripts.backupName(owner.name(), revision, release.fingerprint());
      out.println("# Backup: when revision " + revision + " changes the CKAN version, image or plugins of the live "
          + "revision, this Job dumps the databases as " + name + " before the migration starts (shown commented "
          + "out: it depends on what is live):");
      for (String line : Serialization.asYaml(DesiredState.backup(owner, spec, revision, name)).split("\n")) {
        out.println(SECRET_PREFIX + line);
      }
    }
    for (Secret secret : whole.generatedSecrets()) {
      out.println("# Secret " + secret.getMetadata().getName() + ": created once by the operator with random values "
          + "when it does not exist (never overwritten, kept when the instance is deleted); shown commented out, "
          + DesiredState.RANDOM_PLACEHOLDER + " for each random value:");
      for (String line : Serialization.asYaml(secret).split("\n")) {
        out.println(SECRET_PREFIX + line);
      }
    }
    for (HasMetadata object : objects) {
      out.print(Serialization.asYaml(object));
    }
    return 0;
  }
}
