package io.ckan.operator.conformance;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.ckan.operator.resources.GeneratedSecrets;
import io.ckan.operator.resources.Owner;
import io.ckan.operator.resources.RevisionObjects;
import io.ckan.operator.resources.RuntimeEnv;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Revision 1 of a CkanInstance exactly as the operator renders it (the same builders the reconciler and
 * {@code render} use: {@link RevisionObjects}), with the Secrets its pods reference given test values: the service
 * URLs point at the loopback services, the keys come from {@link GeneratedSecrets} (the operator's own generator,
 * with random values), and any other secretConfig key gets a random value ({@code string:}-prefixed for the JWT keys).
 */
final class RenderedRevision {
  static final int REVISION = 1;
  private static final SecureRandom RANDOM = new SecureRandom();

  final CkanInstance instance;
  final Release release;
  final ConfigMap configMap;
  final Deployment web;
  final Deployment worker;
  final io.fabric8.kubernetes.api.model.batch.v1.Job migration;
  /** spec.schedules' CronJobs, as the operator makes them while this revision is live. */
  final List<io.fabric8.kubernetes.api.model.batch.v1.CronJob> cronJobs;
  /** The one-off search-index rebuild Job of this revision. */
  final io.fabric8.kubernetes.api.model.batch.v1.Job searchIndexRebuild;
  final Map<String, Map<String, String>> secrets = new LinkedHashMap<>();

  private RenderedRevision(CkanInstance instance, LoopbackServices services, Map<String, Map<String, String>> keys) {
    this.instance = instance;
    String name = instance.getMetadata().getName();
    ReleaseOutcome outcome = ReleaseFactory.from(instance.getSpec(), name);
    if (!(outcome instanceof ReleaseOutcome.Ready ready)) {
      throw new IllegalArgumentException(name + " does not render: " + outcome);
    }
    // the kit stands in for the image, whether built by the operator, prebuilt or the base image
    Release r = ready.release();
    this.release = r.image() == null ? r.withImage("kit.invalid/ckan@sha256:" + "0".repeat(64)) : r;
    Owner owner = new Owner(name, "default", "00000000-0000-0000-0000-000000000001");
    this.configMap = RevisionObjects.configMap(owner, REVISION, release);
    this.web = RevisionObjects.deployment(owner, REVISION, release, 2, 600);
    this.worker = RevisionObjects.worker(owner, REVISION, release, 1);
    this.migration = RevisionObjects.migration(owner, REVISION, release);
    this.cronJobs = io.ckan.operator.resources.DesiredState.schedules(owner, instance.getSpec().schedules, REVISION,
        web);
    this.searchIndexRebuild = io.ckan.operator.resources.DesiredState.searchIndexRebuild(owner, REVISION, web);
    for (Container c : List.of(webContainer(), migrationContainer(), rebuildContainer())) {
      resolveSecrets(c, services, keys);
    }
    cronJobs.forEach(cj -> resolveSecrets(cronJobContainer(cj), services, keys));
    if (worker != null) {
      resolveSecrets(workerContainer(), services, keys);
    }
  }

  /** Renders an example; {@code edit} may change the spec first (for the failure cases). */
  static RenderedRevision of(Path example, LoopbackServices services, Map<String, Map<String, String>> keys,
      Consumer<CkanInstance> edit) throws IOException {
    CkanInstance instance;
    try (InputStream in = Files.newInputStream(example)) {
      instance = Serialization.unmarshal(in, CkanInstance.class);
    }
    edit.accept(instance);
    return new RenderedRevision(instance, services, keys);
  }

  Container webContainer() {
    return web.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  Container workerContainer() {
    return worker.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static Container cronJobContainer(io.fabric8.kubernetes.api.model.batch.v1.CronJob cronJob) {
    return cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  Container rebuildContainer() {
    return searchIndexRebuild.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  Container migrationContainer() {
    return migration.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  Map<String, Map<String, String>> configMaps() {
    return Map.of(configMap.getMetadata().getName(), configMap.getData());
  }

  /** What a pod's secretKeyRef resolves to here; the same value for the same Secret key across all pods. */
  private void resolveSecrets(Container c, LoopbackServices services, Map<String, Map<String, String>> keys) {
    String name = instance.getMetadata().getName();
    for (EnvVar env : c.getEnv()) {
      if (env.getValueFrom() == null || env.getValueFrom().getSecretKeyRef() == null) {
        continue;
      }
      String secret = env.getValueFrom().getSecretKeyRef().getName();
      String key = env.getValueFrom().getSecretKeyRef().getKey();
      Map<String, String> data = secrets.computeIfAbsent(secret, s -> new LinkedHashMap<>());
      if (data.containsKey(key)) {
        continue;
      }
      String value = switch (env.getName()) {
        case RuntimeEnv.SQLALCHEMY_URL -> services.databaseUrl();
        case RuntimeEnv.DATASTORE_WRITE_URL -> services.datastoreWriteUrl();
        case RuntimeEnv.DATASTORE_READ_URL -> services.datastoreReadUrl();
        case RuntimeEnv.REDIS_URL -> services.redisUrl();
        default -> {
          if (secret.equals(GeneratedSecrets.keysName(name))) {
            Map<String, String> generated = keys.computeIfAbsent(secret, s -> GeneratedSecrets.secret(name,
                "default", s, RenderedRevision::token).getStringData());
            yield generated.get(key);
          }
          yield env.getName().contains("JWT") ? "string:" + token() : token();
        }
      };
      if (value == null) {
        throw new IllegalStateException("no test value for " + env.getName() + " (" + secret + "/" + key + ")");
      }
      data.put(key, value);
    }
  }

  static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
