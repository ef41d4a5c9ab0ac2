package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {
  public static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
  public static final int DEFAULT_BAKE_SECONDS = 300;
  public static final int DEFAULT_REVISION_HISTORY_LIMIT = 5;
  public static final int MAX_SECONDS = 86400;
  public static final int MAX_REVISION_HISTORY_LIMIT = 100;
  public static final int MAX_CHECKS = 10;

  @Min(1)
  @Max(MAX_SECONDS)
  @JsonPropertyDescription("Seconds a new revision has to become available before it is marked Failed (default 600).")
  public Integer progressDeadlineSeconds;

  @Min(0)
  @Max(MAX_SECONDS)
  @JsonPropertyDescription("Seconds the new revision is watched after the switch while the previous one stays warm (default 300).")
  public Integer bakeSeconds;

  @JsonPropertyDescription("Flip the pointer back when the new revision fails during the bake window (default true).")
  public Boolean autoRevert;

  @JsonPropertyDescription("Allow reverts and rollbacks to a revision whose database schema is older than the "
      + "database's (default false: such a revert is refused with RollbackBlockedBySchema).")
  public Boolean allowRevertAcrossMigrations;

  @Min(1)
  @Max(MAX_REVISION_HISTORY_LIMIT)
  @JsonPropertyDescription("Retained revisions besides the current one (default 5, at least 1).")
  public Integer revisionHistoryLimit;

  @Size(max = MAX_CHECKS)
  @JsonPropertyDescription("Smoke checks: anonymous GETs on each revision's own Service during verification and the "
      + "bake window, besides status_show and the database, Solr and Redis checks.")
  public List<SmokeCheckSpec> checks;

  @JsonPropertyDescription("After a revision whose migration changed the database schema goes live, run `ckan "
      + "search-index rebuild` once, in the Job <instance>-r<N>-reindex: auto (default) or never.")
  public SearchIndexRebuild searchIndexRebuild;

  public enum SearchIndexRebuild {
    auto,
    never;

    @com.fasterxml.jackson.annotation.JsonCreator
    public static SearchIndexRebuild of(String text) {
      return ExactEnum.of(SearchIndexRebuild.class, text);
    }
  }

  public boolean searchIndexRebuildOrDefault() {
    return searchIndexRebuild != SearchIndexRebuild.never;
  }

  @JsonPropertyDescription("auto (default): a verified revision goes live by itself; manual: it waits, Ready=False "
      + "with reason AwaitingPromotion, until annotated ckan.io/promote=<revision> (kubectl ckan promote NAME).")
  public Promotion promotion;

  /** Who moves the pointer to a verified revision: the operator at once, or a person's promote request. */
  public enum Promotion {
    auto,
    manual;

    @JsonCreator
    public static Promotion of(String text) {
      return ExactEnum.of(Promotion.class, text);
    }
  }

  public boolean manualPromotion() {
    return promotion == Promotion.manual;
  }

  public int progressDeadlineSecondsOrDefault() {
    return progressDeadlineSeconds == null ? DEFAULT_PROGRESS_DEADLINE_SECONDS : progressDeadlineSeconds;
  }

  public int bakeSecondsOrDefault() {
    return bakeSeconds == null ? DEFAULT_BAKE_SECONDS : bakeSeconds;
  }

  public boolean autoRevertOrDefault() {
    return autoRevert == null || autoRevert;
  }

  public int revisionHistoryLimitOrDefault() {
    return revisionHistoryLimit == null ? DEFAULT_REVISION_HISTORY_LIMIT : Math.max(1, revisionHistoryLimit);
  }
}
