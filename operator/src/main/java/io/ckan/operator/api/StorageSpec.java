package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A PersistentVolumeClaim for uploads (CKAN_STORAGE_PATH), shared by all revisions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {
  @Required
  @Pattern(Patterns.QUANTITY)
  @JsonPropertyDescription("Size, e.g. 20Gi.")
  public String size;

  @Pattern(Patterns.OBJECT_NAME)
  public String storageClassName;

  @JsonPropertyDescription("ReadWriteMany (default; needed with more than one replica) or ReadWriteOnce.")
  public AccessMode accessMode;

  @JsonPropertyDescription("Delete the uploads PVC together with the CkanInstance (an owner reference). Default false: "
      + "the PVC outlives the instance (and a rename or an Argo CD prune); delete it with kubectl. Applies when the "
      + "PVC is created: an existing one is reused as it is.")
  public Boolean deleteWithInstance;

  public boolean deleteWithInstanceOrDefault() {
    return Boolean.TRUE.equals(deleteWithInstance);
  }

  public enum AccessMode {
    ReadWriteMany,
    ReadWriteOnce;

    @JsonCreator
    public static AccessMode of(String text) {
      return ExactEnum.of(AccessMode.class, text);
    }
  }
}
