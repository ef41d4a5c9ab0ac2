package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One move of the pointer. Stored on the pointer Service (annotation) in the same write that moves it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoryEntry {
  /** Deploy, AutoRevert, Rollback. */
  public String type;
  public Integer from;
  public Integer to;
  public String reason;
  public String time;

  public HistoryEntry() {}

  public HistoryEntry(String type, Integer from, Integer to, String reason, String time) {
    this.type = type;
    this.from = from;
    this.to = to;
    this.reason = reason;
    this.time = time;
  }
}
