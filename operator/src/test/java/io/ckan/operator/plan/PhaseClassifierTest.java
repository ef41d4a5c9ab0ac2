package io.ckan.operator.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ckan.operator.plan.PhaseClassifier.Situation;
import io.ckan.operator.plan.PhaseClassifier.Spec;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The phase table: which facts win over which. */
class PhaseClassifierTest {

  /** A situation where exactly the named facts hold (and the spec is READY unless "invalid" or "blocked"). */
  static Situation facts(String... names) {
    Set<String> f = Set.of(names);
    Spec spec = f.contains("invalid") ? Spec.INVALID : f.contains("blocked") ? Spec.BLOCKED : Spec.READY;
    return new Situation(f.contains("paused"), f.contains("bakeFailed"), spec, f.contains("currentJudged"),
        f.contains("rollback"), f.contains("target"), f.contains("targetJudged"), f.contains("retry"),
        f.contains("deployed"), f.contains("image"), f.contains("migrated"), f.contains("current"),
        f.contains("verified"), f.contains("gated"), f.contains("promote"));
  }

  static final String[] STEADY = {"target", "deployed", "image", "migrated", "current"};

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(facts("paused", "bakeFailed", "invalid", "currentJudged", "rollback"), Phase.PAUSED),
        Arguments.of(facts("bakeFailed", "invalid", "currentJudged", "rollback"), Phase.BAKE_FAILED),
        Arguments.of(facts("currentJudged", "invalid", "rollback"), Phase.CURRENT_JUDGED),
        Arguments.of(facts("invalid", "rollback", "target"), Phase.INVALID),
        Arguments.of(facts("blocked", "rollback", "target"), Phase.BLOCKED),
        Arguments.of(facts("rollback"), Phase.ROLLBACK),
        Arguments.of(facts(), Phase.NEW_REVISION),
        Arguments.of(facts("target", "targetJudged", "retry", "deployed", "image", "migrated"), Phase.RETRY),
        Arguments.of(facts("target", "targetJudged"), Phase.JUDGED),
        Arguments.of(facts("target"), Phase.BUILDING),
        Arguments.of(facts("target", "image"), Phase.MIGRATING),
        Arguments.of(facts("target", "image", "migrated"), Phase.ROLLING_OUT),
        Arguments.of(facts("target", "deployed", "image"), Phase.ROLLING_OUT),
        Arguments.of(facts(STEADY), Phase.STEADY),
        // manual promotion: a verified revision waits while another serves, until a request names it
        Arguments.of(facts("target", "deployed", "image", "migrated", "verified", "gated"), Phase.AWAITING_PROMOTION),
        Arguments.of(facts("target", "deployed", "image", "migrated", "verified", "gated", "promote"), Phase.PROMOTE),
        Arguments.of(facts("target", "deployed", "image", "migrated", "verified"), Phase.ROLLING_OUT),
        Arguments.of(facts("target", "deployed", "image", "migrated", "gated", "promote"), Phase.ROLLING_OUT),
        Arguments.of(facts("target", "deployed", "image", "migrated", "verified", "gated", "promote", "current"),
            Phase.STEADY),
        Arguments.of(facts("rollback", "target", "deployed", "verified", "gated", "promote"), Phase.ROLLBACK),
        Arguments.of(facts("target", "targetJudged", "deployed", "verified", "gated", "promote"), Phase.JUDGED),
        Arguments.of(facts("bakeFailed", "target", "deployed", "verified", "gated", "promote"), Phase.BAKE_FAILED));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("table")
  void classifies(Situation situation, Phase expected) {
    assertEquals(expected, PhaseClassifier.classify(situation));
  }
}
