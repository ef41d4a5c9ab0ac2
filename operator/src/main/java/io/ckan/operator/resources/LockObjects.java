package io.ckan.operator.resources;

import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Map;

/**
 * The locked set of a revision: an immutable ConfigMap {@code <instance>-r<N>-lock} holding the {@code pip freeze
 * --all} of the image the revision runs, as its build reported it. Owned by the instance, pruned with the revision.
 */
public final class LockObjects {
  private LockObjects() {}

  public static final String KEY = "requirements.lock";

  public static String name(String instance, int revision) {
    return Names.revision(instance, revision) + "-lock";
  }

  public static ConfigMap lock(Owner owner, int revision, String image, String freeze) {
    return new ConfigMapBuilder()
        .withMetadata(owner.meta(name(owner.name(), revision), Labels.revision(owner.name(), Labels.LOCK, revision),
            Map.of(Labels.IMAGE, image)))
        .withImmutable(true)
        .withData(Map.of(KEY, freeze))
        .build();
  }
}
