package io.ckan.operator.cli.kubectl;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.release.LockedSet;
import io.ckan.operator.resources.LockObjects;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the cluster records of one revision (pure, from its objects): the immutable config snapshot ConfigMap
 * {@code <name>-r<N>} (annotations: version, image, plugins, extensions, schema heads; data: the non-secret CKAN
 * options as env) and, while the revision has one, its web Deployment (the image it runs, the commits its git refs
 * resolved to, its verdict) and its locked set ({@code <name>-r<N>-lock}, null when the build recorded none).
 */
record RevisionRecord(int number, String fingerprint, String version, String image, String imageSource,
    List<String> plugins, SortedMap<String, String> extensions, SortedMap<String, String> commits,
    SortedMap<String, String> config, String schemaBefore, String schemaAfter, String verdict,
    LockedSet locked) {

  static RevisionRecord of(int number, ConfigMap snapshot, Deployment web) {
    return of(number, snapshot, web, null);
  }

  static RevisionRecord of(int number, ConfigMap snapshot, Deployment web, ConfigMap lock) {
    Map<String, String> a = snapshot.getMetadata().getAnnotations() == null ? Map.of()
        : snapshot.getMetadata().getAnnotations();
    Map<String, String> d = web == null || web.getMetadata().getAnnotations() == null ? Map.of()
        : web.getMetadata().getAnnotations();
    String image = d.getOrDefault(Labels.IMAGE, a.get(Labels.IMAGE));
    if (image == null && web != null) {
      image = web.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
    String plugins = a.get(Labels.PLUGINS);
    return new RevisionRecord(number, a.get(Labels.FINGERPRINT), a.get(Labels.CKAN_VERSION), image,
        a.get(Labels.IMAGE_SOURCE), plugins == null || plugins.isEmpty() ? List.of() : List.of(plugins.split(",")),
        json(a.get(Labels.EXTENSIONS)), json(d.getOrDefault(Labels.RESOLVED_COMMITS, a.get(Labels.RESOLVED_COMMITS))),
        new TreeMap<>(snapshot.getData() == null ? Map.of() : snapshot.getData()), a.get(Labels.SCHEMA_BEFORE),
        a.get(Labels.SCHEMA_AFTER), d.getOrDefault(Labels.VERDICT, a.get(Labels.VERDICT)),
        lockedSet(lock));
  }

  private static LockedSet lockedSet(ConfigMap lock) {
    String text = lock == null || lock.getData() == null ? null : lock.getData().get(LockObjects.KEY);
    return text == null ? null : LockedSet.parse(text);
  }

  private static SortedMap<String, String> json(String value) {
    if (value == null || value.isBlank()) {
      return new TreeMap<>();
    }
    try {
      return new TreeMap<>(Serialization.jsonMapper().readValue(value, new TypeReference<Map<String, String>>() {}));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return new TreeMap<>(Map.of("(unreadable)", value));
    }
  }
}
