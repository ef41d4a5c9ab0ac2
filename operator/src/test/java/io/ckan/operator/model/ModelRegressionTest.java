package io.ckan.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ckan.operator.model.Act.ApiFault;
import io.ckan.operator.model.Act.Apply;
import io.ckan.operator.model.Act.Break;
import io.ckan.operator.model.Act.CrashAfterWrite;
import io.ckan.operator.model.Act.EditPointer;
import io.ckan.operator.model.Act.Fault;
import io.ckan.operator.model.Act.Replicas;
import io.ckan.operator.model.Act.Rollback;
import io.ckan.operator.model.Act.Rollout;
import io.ckan.operator.model.Act.Squat;
import io.ckan.operator.model.Act.Wait;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The counterexamples {@link ModelBasedPropertiesTest} found, one test each: the same run (every invariant after every
 * step, then a steady state) on a short sequence. Findings 1, 2, 4, 6 and 7 are the samples jqwik shrank to; 5 and 8
 * are reduced by hand from the property's failures (for 5 jqwik shrank to a sibling symptom, the Service portal-rN of
 * another instance "created" again on every reconcile; 8 was left half-shrunk, through a hand-edited pointer, by the
 * time bound); 3 is written by hand (800 tries did not reach it).
 */
class ModelRegressionTest {

  private static World run(Act... acts) {
    try (World world = new World()) {
      world.run(List.of(acts));
      return world;
    }
  }

  /**
   * Found by the property: the first reconcile's config snapshot create answered 409 while nothing of that name
   * existed; it was taken for "already exists" and the migration Job started without its revision.
   */
  @Test
  void aConflictOnCreateWithNothingThereIsNotAlreadyExists() {
    run(new ApiFault(12, 409));
  }

  @Test
  void aRevisionGoesLiveAndTheInstanceBecomesReady() {
    run(new Wait(10), new Wait(10), new Wait(10), new Wait(10), new Wait(10), new Apply(1), new Wait(30));
  }

  @Test
  void theOperatorRecoversFromCrashesAndApiFaultsItWasDealt() {
    World world = run(new CrashAfterWrite(1), new ApiFault(1, 500), new Wait(10), new ApiFault(3, 409),
        new CrashAfterWrite(2), new ApiFault(2, ModelCluster.ApiFaults.TIMEOUT), new Wait(10), new Wait(10));
    assertEquals(5, world.injectedFailures(), "each crash and fault failed its reconcile");
  }

  @Test
  void pruningARevisionRemovesItsWorkerDeployment() {
    run(new Replicas(0), new Apply(1), new Apply(0), new Apply(2), new Apply(3));
  }

  @Test
  void pruningARevisionRemovesItsMigrationJob() {
    run(new Apply(0), new Apply(1), new Apply(2), new Apply(3));
  }

  @Test
  void aCrashInTheBakeWindowIsRevertedEvenWithANewerSpecPending() {
    run(new Rollout(), new Apply(1), new Rollout(), new Apply(2), new Break(Act.LIVE, Fault.NEVER_AVAILABLE));
  }

  @Test
  void aRejectedRollbackRequestNeverFiresLater() {
    run(new Apply(0), new Apply(0), new Rollback("previous"), new Replicas(0), new Replicas(0), new Replicas(1),
        new Apply(1));
  }

  @Test
  void aNameHeldByAnotherObjectIsNeverWritten() {
    run(new Squat("ConfigMap", 3), new Apply(1), new Apply(2), new Wait(10), new Wait(10));
  }

  @Test
  void aHandEditedPointerSelectorIsRepaired() {
    run(new Rollout(), new Apply(1), new EditPointer(2));
  }

  @Test
  void aRollbackWhileTheNewImageIsStillBuildingDoesNotThrow() {
    run(new Rollout(), new Wait(10), new Apply(1), new Rollout(), new Wait(70), new Apply(3), new Rollback("1"));
  }

  @Test
  void aServingRevisionThatFailsAfterItsBakeIsReportedStalled() {
    run(new Apply(0), new Apply(0), new Apply(0), new Apply(0), new Apply(0), new Break(0, Fault.NEVER_AVAILABLE));
  }
}
