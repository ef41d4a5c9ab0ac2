package io.ckan.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.plan.Condition;
import io.ckan.operator.plan.Plan;
import io.ckan.operator.plan.Pointer;
import io.ckan.operator.plan.Step;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  static final HistoryEntry DEPLOY_2 = new HistoryEntry("Deploy", 1, 2, "spec", "2026-11-29T11:00:00Z");
  static final HistoryEntry ROLLBACK_1 = new HistoryEntry("Rollback", 2, 1, "previous", "2026-11-29T12:00:00Z");

  static CkanInstanceStatus report(List<Step> steps) {
    Pointer before = new Pointer(2, 1, NOW.minusSeconds(3600), List.of(DEPLOY_2), null);
    Plan plan = new Plan(steps, 2, List.of(new Condition(Condition.READY, true, "Ready", "ok")), Map.of(),
        Optional.empty());
    return StatusReport.build(1, new ClusterObserver.Observed(List.of(), Optional.of(before)), plan, null, NOW);
  }

  @Test
  void theStatusReportsThePointerTheStepsLeaveNotTheOneObservedBeforeThem() {
    CkanInstanceStatus status = report(List.of(new Step.MovePointer(1, 2, List.of(DEPLOY_2, ROLLBACK_1),
        "previous")));
    assertEquals(1, status.currentRevision);
    assertEquals(List.of("Deploy", "Rollback"), status.history.stream().map(e -> e.type).toList());
    assertEquals("previous", status.lastHandledRollback);
  }

  @Test
  void aRequestRecordedWithoutAMoveIsReportedAsHandled() {
    CkanInstanceStatus status = report(List.of(new Step.RecordRollbackHandled("2")));
    assertEquals(2, status.currentRevision);
    assertEquals(List.of("Deploy"), status.history.stream().map(e -> e.type).toList());
    assertEquals("2", status.lastHandledRollback);
  }
}
