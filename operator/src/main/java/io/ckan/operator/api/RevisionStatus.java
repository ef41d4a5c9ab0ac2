package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RevisionStatus {
  public Integer number;
  public String fingerprint;
  public String image;
  public String version;
  /** Deploying, Live, Stable, Superseded, Failed, RolledBack. */
  public String state;
  public String reason;
  public Integer replicas;
  public Integer availableReplicas;
  public String createdAt;
  /** The backup taken before its migration (a name {@code kubectl ckan restore} takes), if one was taken. */
  public String backup;
}
