package io.ckan.operator.plan;

import static io.ckan.operator.plan.BuildPlannerTest.FP;
import static io.ckan.operator.plan.BuildPlannerTest.IMAGE;
import static io.ckan.operator.plan.BuildPlannerTest.JOB;
import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.pointer;
import static io.ckan.operator.plan.PlannerTest.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A finished build's digest is stored on its Job (the namespace's cache) once, by an instance that owns it. */
class BuildResultsPlannerTest {

  @ParameterizedTest
  @CsvSource({
      // state, image pushed, already recorded, owned by this instance, recorded now
      "SUCCEEDED, true, false, true, true",
      "SUCCEEDED, true, true, true, false",
      "SUCCEEDED, true, false, false, false",
      "SUCCEEDED, false, false, true, false",
      "RUNNING, false, false, true, false",
      "FAILED, false, false, true, false"})
  void theResultIsRecordedOnce(JobState state, boolean pushed, boolean recorded, boolean owned, boolean expected) {
    ObservedBuild b = BuildPlannerTest.build(state, pushed ? IMAGE : null, recorded, owned);
    Plan p = BuildPlannerTest.plan(List.of(rev(1, OLD, 2, 2), BuildPlannerTest.configOnly(2)),
        pointer(1, null, NOW.minusSeconds(600)), Map.of(FP, b), Map.of(), null);
    Step record = new Step.RecordBuildResult(JOB, new Step.BuiltImage(IMAGE, b.commits()));
    assertEquals(expected ? 1 : 0, p.steps().stream().filter(record::equals).count(), p.steps().toString());
  }
}
