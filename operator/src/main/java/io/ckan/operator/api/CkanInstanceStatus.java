package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** A report rebuilt on every reconcile from the owned objects; never the only copy of anything. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CkanInstanceStatus {
  public Long observedGeneration;

  @JsonPropertyDescription("Revision the pointer Service selects.")
  public Integer currentRevision;

  @JsonPropertyDescription("Revision built from the current spec.")
  public Integer desiredRevision;

  public List<RevisionStatus> revisions = new ArrayList<>();

  @JsonPropertyDescription("Pointer moves, newest last (bounded).")
  public List<HistoryEntry> history = new ArrayList<>();

  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The last ckan.io/rollback-to value acted on (from the pointer Service).")
  public String lastHandledRollback;

  @JsonPropertyDescription("The last ckan.io/promote value acted on, promoted or refused (from the pointer Service).")
  public String lastHandledPromotion;
}
