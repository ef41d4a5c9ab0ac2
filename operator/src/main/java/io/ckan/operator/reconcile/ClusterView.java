package io.ckan.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;

/**
 * What one reconcile reads of the cluster. The operator answers from its informer caches; a test can answer from
 * plain list calls and drive {@link Reconciliation} directly, without the framework's threads.
 */
public interface ClusterView {
  /** The instance's Deployments, Services and ConfigMaps (owner reference with the instance's uid). */
  List<Deployment> deployments();

  List<Service> services();

  List<ConfigMap> configMaps();

  /**
   * The instance's Jobs (its migrations, the builds it started or joined) and the build of {@code wantedImage} (an
   * image fingerprint; null for none), which another instance of the namespace may have started: builds are shared.
   */
  List<Job> jobs(String wantedImage);

  /** The instance's CronJobs (spec.schedules; owner reference with the instance's uid). */
  List<io.fabric8.kubernetes.api.model.batch.v1.CronJob> cronJobs();

  /** Managed Deployments of any instance in the namespace that run the image built for {@code imageFingerprint}. */
  List<Deployment> deploymentsWithImage(String imageFingerprint);

  /** The object as the cluster holds it under the wanted object's name and kind, or null. */
  HasMetadata current(HasMetadata wanted);

  /** Told about every write, so the next reconcile does not read a stale copy. */
  StepApplier.WriteListener listener();

  /** The cached copies writes are sent for (no read before a patch); none by default. */
  default StepApplier.Cache cache() {
    return StepApplier.Cache.NONE;
  }
}
