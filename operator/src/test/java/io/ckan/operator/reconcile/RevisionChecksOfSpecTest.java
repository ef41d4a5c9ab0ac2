package io.ckan.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.api.SmokeCheckSpec;
import io.ckan.operator.health.Dependency;
import io.ckan.operator.health.SmokeCheck;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure: which checks the spec asks of a revision. */
class RevisionChecksOfSpecTest {

  @ParameterizedTest(name = "redis configured {0}, CKAN {1}: Redis checked {2}")
  @CsvSource({
      "true, 2.11.5, true",
      "true, 2.12.0, true",
      "true, 3.0.0, true",
      "true, 2.10.7, false", // Beaker sessions: not proven, not checked
      "false, 2.11.5, false", // cookie sessions: no anonymous request touches Redis
      "true, x.y, false",
  })
  void redisIsCheckedOnlyWhereFlaskSessionsLiveInRedis(boolean redis, String version, boolean checked) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.services = io.ckan.operator.TestServices.external();
    if (!redis) {
      spec.services.redisUrl = null;
    }
    Set<Dependency> expected = EnumSet.of(Dependency.DATABASE, Dependency.SOLR);
    if (checked) {
      expected.add(Dependency.REDIS);
    }
    assertEquals(expected, RevisionChecksOfSpec.of(spec, version).dependencies());
  }

  @org.junit.jupiter.api.Test
  void smokeChecksComeFromTheSpecInItsOrderWithTheDefaultStatus() {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.rollout = new RolloutSpec();
    SmokeCheckSpec dataset = new SmokeCheckSpec();
    dataset.path = "/dataset";
    SmokeCheckSpec count = new SmokeCheckSpec();
    count.path = "/api/3/action/package_search?rows=0";
    count.expectedStatus = 200;
    count.jsonField = "result.count";
    count.jsonValue = "0";
    spec.rollout.checks = List.of(dataset, count);
    assertEquals(List.of(new SmokeCheck("/dataset", 200, null, null),
            new SmokeCheck("/api/3/action/package_search?rows=0", 200, "result.count", "0")),
        RevisionChecksOfSpec.of(spec, "2.11.5").smokeChecks());
    spec.rollout.checks = null;
    assertEquals(List.of(), RevisionChecksOfSpec.of(spec, "2.11.5").smokeChecks());
  }
}
