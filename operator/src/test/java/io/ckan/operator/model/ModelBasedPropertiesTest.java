package io.ckan.operator.model;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Disabled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 9 item 6: random sequences of spec changes, pod failures in every phase, rollback and retry requests,
 * operator crashes after any write, API faults and hand edits, against the operator's reconcile in the stepped
 * simulated cluster; the invariants of {@link World} after every step, a steady state at the end. Tries:
 * {@code jqwik.tries.default} (500, src/test/resources/junit-platform.properties; -Djqwik.tries.default=5000 for more).
 * What it found is in {@link ModelRegressionTest}.
 */
class ModelBasedPropertiesTest {

  @Property
  void everySequenceKeepsTheInvariants(@ForAll("sequences") List<Act> acts) {
    try (World world = new World()) {
      world.run(acts);
    }
  }

  @Provide
  Arbitrary<List<Act>> sequences() {
    return Act.any().list().ofMinSize(1).ofMaxSize(10);
  }
}
