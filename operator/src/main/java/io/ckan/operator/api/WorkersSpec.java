package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;

/** Background workers ({@code ckan jobs worker}), one Deployment per revision, switched with the web tier. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkersSpec {
  public static final int MAX_REPLICAS = 100;
  public static final int MAX_QUEUES = 20;

  @Min(0)
  @Max(MAX_REPLICAS)
  @JsonPropertyDescription("Worker replicas of the serving revision (in place; default 1).")
  public Integer replicas;

  @Size(max = MAX_QUEUES)
  @JsonPropertyDescription("Queues to consume (default: default). Part of the revision.")
  public List<@Pattern(Patterns.QUEUE) String> queues;

  @JsonPropertyDescription("Resources of the worker container. Part of the revision.")
  public ResourceRequirements resources;

  public int replicasOrDefault() {
    return replicas == null ? 1 : replicas;
  }

  public List<String> queuesOrDefault() {
    return queues == null || queues.isEmpty() ? List.of("default") : queues;
  }
}
