package io.ckan.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a Lease (JOSDK's, which starts event processing only on the leader; the standby keeps its caches
 * warm). What JOSDK does not do is added here: the lease is released on a clean stop (so a standby takes over at once
 * instead of after the lease duration), and a leader that loses its lease while running is told to stop (JOSDK only
 * logs it when it must not exit the JVM, and would go on reconciling).
 */
final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final OperatorRunner.LeaderElection settings;
  private final AtomicBoolean leads = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicReference<String> leader = new AtomicReference<>();

  Leadership(OperatorRunner.LeaderElection settings) {
    this.settings = settings;
  }

  LeaderElectionConfiguration configuration() {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName())
        .withLeaseNamespace(settings.leaseNamespace())
        .withIdentity(settings.identity())
        .withLeaseDuration(settings.leaseDuration())
        .withRenewDeadline(settings.renewDeadline())
        .withRetryPeriod(settings.retryPeriod())
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(new LeaderCallbacks(() -> {
          leads.set(true);
          LOG.info("{} leads (lease {}/{})", settings.identity(), settings.leaseNamespace(), settings.leaseName());
        }, this::stoppedLeading, leader::set))
        .build();
  }

  private void stoppedLeading() {
    boolean wasLeading = leads.getAndSet(false);
    if (stopping.get() || !wasLeading) {
      return;
    }
    LOG.error("{} lost the lease {}/{} while running: stopping", settings.identity(), settings.leaseNamespace(),
        settings.leaseName());
    settings.onLost().run();
  }

  boolean leads() {
    return leads.get();
  }

  /** The identity of the leader this replica last saw (itself or another), or null before any. */
  String leader() {
    return leader.get();
  }

  String identity() {
    return settings.identity();
  }

  /** Called before the operator stops: losing the lease from now on is the plan, not an accident. */
  void stopping() {
    stopping.set(true);
  }

  /**
   * After the operator stopped (no reconcile runs any more): give the lease up if this replica still holds it, with
   * fabric8's own release (holder cleared, one-second duration), so that a standby takes over at its next retry.
   */
  boolean release(KubernetesClient client) {
    LeaderElectionConfig config = new LeaderElectionConfig(
        new LeaseLock(settings.leaseNamespace(), settings.leaseName(), settings.identity()),
        settings.leaseDuration(), settings.renewDeadline(), settings.retryPeriod(),
        new LeaderCallbacks(() -> { }, () -> { }, id -> { }), true, settings.leaseName());
    try {
      boolean released = new LeaderElector(client, config, Runnable::run).release();
      if (released) {
        LOG.info("{} released the lease {}/{}", settings.identity(), settings.leaseNamespace(), settings.leaseName());
      }
      return released;
    } catch (KubernetesClientException e) {
      LOG.warn("could not release the lease {}/{}: {}", settings.leaseNamespace(), settings.leaseName(),
          e.getMessage());
      return false;
    }
  }
}
