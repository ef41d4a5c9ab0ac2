package io.ckan.operator.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.plan.Step;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ckan_promotions_total{outcome}: a promotion's pointer move counts Done, a refused request Rejected (on its own
 * record, or carried by the first pointer move when there was no pointer yet), once each; other moves not at all.
 */
class PromotionMetricsTest {
  static final Instant NOW = Instant.parse("2026-11-30T01:00:00Z");

  static Step.MovePointer move(Integer from, int to, String promotion) {
    return new Step.MovePointer(to, from, List.of(new HistoryEntry("Deploy", from, to, "verified", NOW.toString())),
        null, "1", promotion);
  }

  @Test
  void countsPromotionsAndRefusalsNotOtherMoves() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DomainMetrics metrics = new DomainMetrics(registry, () -> true);
    CkanInstance ci = new CkanInstance();
    ci.setMetadata(new ObjectMetaBuilder().withName("portal").withNamespace("ns").withUid("u").build());
    DomainMetrics.Objects none = new DomainMetrics.Objects() {
      @Override
      public <T extends io.fabric8.kubernetes.api.model.HasMetadata> T cached(Class<T> kind, String ns, String n) {
        return null;
      }
    };
    metrics.reconciled(ci, List.of(move(1, 2, null)), NOW, Duration.ZERO, none); // an automatic deploy
    metrics.reconciled(ci, List.of(move(null, 1, "5")), NOW, Duration.ZERO, none); // a first move carrying a refusal
    metrics.reconciled(ci, List.of(new Step.RecordPromotionHandled("3", "rejected")), NOW, Duration.ZERO, none);
    metrics.reconciled(ci, List.of(move(2, 3, "3#again")), NOW, Duration.ZERO, none);
    assertEquals(1.0, registry.get("ckan.promotions").tag("outcome", "Done").counter().count());
    assertEquals(2.0, registry.get("ckan.promotions").tag("outcome", "Rejected").counter().count());
  }
}
