package io.ckan.operator.resources;

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
 * CronJobs the instance owns with those of {@link DesiredState#schedules} (made for the live revision), and a
 * revision's rebuild Job with whether it exists; nothing is remembered between passes.
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
  public record Create(CronJob cronJob) implements Write {}

  /** A CronJob that differs from what the spec and the live revision make (switched, edited, resumed): rewritten. */
  public record Update(CronJob cronJob, Integer fromRevision) implements Write {}

  /** The instance is paused: the CronJob is suspended, nothing else of it changes. */
  public record Suspend(String name) implements Write {}

  /** A CronJob of a schedule the spec no longer has. */
  public record Delete(String name) implements Write {}

  /**
   * @param desired the spec's CronJobs for the live revision; empty when there is none yet (no pointer)
   * @param owned   the CronJobs the instance owns (owner reference with its uid), as the cluster holds them
   * @param paused  {@code spec.paused} or the {@code ckan.io/paused} annotation
   */
  public static List<Write> schedules(List<CronJob> desired, List<CronJob> owned, boolean paused) {
    List<Write> writes = new ArrayList<>();
    if (paused) {
      owned.stream().filter(c -> !suspended(c)).forEach(c -> writes.add(new Suspend(c.getMetadata().getName())));
      return writes;
    }
    Map<String, CronJob> byName = owned.stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity(), (a, b) -> a));
    for (CronJob wanted : desired) {
      CronJob current = byName.get(wanted.getMetadata().getName());
      if (current == null) {
        writes.add(new Create(wanted));
      } else if (!Objects.equals(ScheduleObjects.writtenHash(current), ScheduleObjects.writtenHash(wanted))
          || suspended(current) != suspended(wanted)) {
        writes.add(new Update(wanted, ScheduleObjects.revision(current)));
      }
    }
    Set<String> wantedNames = desired.stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
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
