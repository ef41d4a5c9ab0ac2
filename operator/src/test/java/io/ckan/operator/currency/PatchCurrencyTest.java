package io.ckan.operator.currency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.plan.Condition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The conditions a version gets from the shipped table, and the minor-upgrade notice. */
class PatchCurrencyTest {
  private static final ReleaseLines SHIPPED = ReleaseLines.shipped();

  @ParameterizedTest(name = "{0}: PatchCurrent={1}/{2}, SupportedLine={4}/{5}")
  @CsvSource(delimiter = '|', value = {
      // version | PatchCurrent | reason              | message                                        | SupportedLine | reason    | message
      "2.11.4    | False        | NewerPatchAvailable | 2.11.4 is behind 2.11.5 (released 2026-04-29)  | True          | Supported | 2.11 is supported",
      "2.11.5    | True         | LatestPatch         | 2.11.5 is the latest patch of 2.11             | True          | Supported | 2.11 is supported",
      "2.12.0    | True         | LatestPatch         | 2.12.0 is the latest patch of 2.12             | True          | Supported | 2.12 is supported",
      "2.11.7    | True         | NewerThanTable      | 2.11.7 is newer than the table's latest patch of 2.11 (2.11.5): the table may need an update | True | Supported | 2.11 is supported",
      "2.10.4    | False        | NewerPatchAvailable | 2.10.4 is behind 2.10.10 (released 2026-04-29) | False         | EndOfLife | 2.10 is end-of-life (last patch 2.10.10); supported lines: 2.12, 2.11",
      "2.10.10   | True         | LatestPatch         | 2.10.10 is the latest patch of 2.10            | False         | EndOfLife | 2.10 is end-of-life (last patch 2.10.10); supported lines: 2.12, 2.11",
      "2.9.3     | False        | NewerPatchAvailable | 2.9.3 is behind 2.9.11 (released 2024-03-13)    | False         | EndOfLife | 2.9 is end-of-life (last patch 2.9.11); supported lines: 2.12, 2.11",
      "2.13.0    | Unknown      | UnknownLine         | line 2.13 is not in the release-line table (it knows 2.12, 2.11, 2.10, 2.9): cannot tell | Unknown | UnknownLine | line 2.13 is not in the release-line table (it knows 2.12, 2.11, 2.10, 2.9): cannot tell",
      "latest    | Unknown      | UnknownVersion      | spec.version 'latest' is not a CKAN version X.Y.Z | Unknown    | UnknownVersion | spec.version 'latest' is not a CKAN version X.Y.Z",
  })
  void conditionsFromTheShippedTable(String version, String patchStatus, String patchReason, String patchMessage,
      String lineStatus, String lineReason, String lineMessage) {
    List<Condition> conditions = PatchCurrency.conditions(version, SHIPPED);
    assertEquals(List.of(Condition.PATCH_CURRENT, Condition.SUPPORTED_LINE),
        conditions.stream().map(Condition::type).toList());
    assertEquals(List.of(patchStatus, patchReason, patchMessage), List.of(conditions.get(0).statusValue(),
        conditions.get(0).reason(), conditions.get(0).message()));
    assertEquals(List.of(lineStatus, lineReason, lineMessage), List.of(conditions.get(1).statusValue(),
        conditions.get(1).reason(), conditions.get(1).message()));
  }

  @Test
  void aCaveatOfTheTableIsRepeatedInEveryMessage() {
    ReleaseLines table = SHIPPED.withCaveat("the release-line override ckan-system/x is malformed: no lines; the "
        + "shipped table is used");
    for (Condition c : PatchCurrency.conditions("2.11.4", table)) {
      assertTrue(c.message().endsWith("(the release-line override ckan-system/x is malformed: no lines; the shipped "
          + "table is used)"), c.message());
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "2.10.10 | 2.11.5 | minor upgrade from 2.10 (2.10.10) to 2.11 (2.11.5); read the migration notes of 2.11: https://docs.ckan.org/en/latest/changelog.html#migration-notes-2-11",
      "2.11.5  | 2.12.0 | minor upgrade from 2.11 (2.11.5) to 2.12 (2.12.0); read the migration notes of 2.12: https://docs.ckan.org/en/latest/changelog.html#migration-notes-2-12",
      "2.12.0  | 2.13.1 | minor upgrade from 2.12 (2.12.0) to 2.13 (2.13.1); the release-line table has no migration notes for 2.13; read CKAN's changelog: https://docs.ckan.org/en/latest/changelog.html",
      "2.11.4  | 2.11.5 | -",
      "2.11.5  | 2.10.10 | -",
      "-       | 2.11.5 | -",
  })
  void aMinorUpgradeLinksTheTargetLinesMigrationNotes(String live, String target, String expected) {
    assertEquals(Optional.ofNullable(expected), PatchCurrency.minorUpgrade(live, target, SHIPPED));
  }
}
