package io.ckan.operator.resources;

import io.ckan.operator.api.ScheduleSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Pure: the writes that bring an instance's periodic work to its desired state. Level-triggered: it compares the
 * CronJobs the instance owns with the spec's schedules for the live revision (by {@link ScheduleObjects#hash}, so no
 * pod template is read to decide; the objects themselves are {@link DesiredState#schedules}), and a revision's
 * rebuild Job with whether it exists; nothing is remembered between passes.
 *
 * <p>Pause: a paused instance gets no writes but one, the suspension of every CronJob it owns (so no periodic command
 * runs while a person holds the instance); nothing is created, switched or deleted until it is resumed, when the
 * CronJobs are written back as the spec says (its own {@code suspend}).
 */
public final class PeriodicWork {
  private PeriodicWork() {}

  /** One write to a CronJob or the rebuild Job. */
  public sealed interface Write permits Create, Update, Suspend, Delete {}

  /** A schedule without a CronJob yet. */
  public record Create(ScheduleSpec schedule) implements Write {}

  /** A CronJob that differs from what the spec and the live revision make (switched, edited, resumed): rewritten. */
  public record Update(ScheduleSpec schedule, Integer fromRevision) implements Write {}

  /** The instance is paused: the CronJob is suspended, nothing else of it changes. */
  public record Suspend(String name) implements Write {}

  /** A CronJob of a schedule the spec no longer has. */
  public record Delete(String name) implements Write {}

  /**
   * @param schedules   {@code spec.schedules} (null: none)
   * @param revision    the live revision (the pointer's, as this pass leaves it)
   * @param fingerprint the release it runs (its web Deployment's {@code ckan.io/fingerprint})
   * @param owned       the CronJobs the instance owns (owner reference with its uid), as the caches hold them
   * @param paused      {@code spec.paused} or the {@code ckan.io/paused} annotation
   */
  public static List<Write> schedules(String instance, List<ScheduleSpec> schedules, int revision,
      String fingerprint, List<CronJob> owned, boolean paused) {
    List<Write> writes = new ArrayList<>();
    if (paused) {
      owned.stream().filter(c -> !suspended(c)).forEach(c -> writes.add(new Suspend(c.getMetadata().getName())));
      return writes;
    }
    Map<String, CronJob> byName = owned.stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity(), (a, b) -> a));
    List<ScheduleSpec> wanted = schedules == null ? List.of() : schedules;
    for (ScheduleSpec schedule : wanted) {
      CronJob current = byName.get(ScheduleObjects.name(instance, schedule));
      if (current == null) {
        writes.add(new Create(schedule));
      } else if (!Objects.equals(ScheduleObjects.writtenHash(current), ScheduleObjects.hash(schedule, revision,
          fingerprint)) || suspended(current) != schedule.suspendOrDefault()) {
        writes.add(new Update(schedule, ScheduleObjects.revision(current)));
      }
    }
    Set<String> wantedNames = wanted.stream().map(s -> ScheduleObjects.name(instance, s)).collect(Collectors.toSet());
    owned.stream().map(c -> c.getMetadata().getName()).filter(n -> !wantedNames.contains(n)).sorted()
        .forEach(n -> writes.add(new Delete(n)));
    return writes;
  }

  /**
   * Whether the live revision gets its search-index rebuild now: enabled, not paused, its migration moved the schema
   * from a recorded head to another one (a fresh database has nothing to index), and its rebuild Job does not exist
   * yet (at most one per revision: its name is the revision's).
   *
   * @param schemaBefore the head before the revision's migration ("" for a fresh database; null: not migrated)
   * @param schemaAfter  the head its migration left (null: not migrated)
   */
  public static boolean needsRebuild(boolean enabled, boolean paused, String schemaBefore, String schemaAfter,
      boolean jobExists) {
    return enabled && !paused && !jobExists && schemaBefore != null && !schemaBefore.isEmpty() && schemaAfter != null
        && !schemaAfter.equals(schemaBefore);
  }

  private static boolean suspended(CronJob cronJob) {
    return cronJob.getSpec() != null && Boolean.TRUE.equals(cronJob.getSpec().getSuspend());
  }
}
