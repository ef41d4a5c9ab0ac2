package io.ckan.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/** An informer's item store that keeps each object as {@link CachePruning} prunes it. */
final class PrunedStore<T extends HasMetadata> extends BasicItemStore<T> {
  private final UnaryOperator<T> prune;

  PrunedStore(Class<T> kind) {
    super(Cache::metaNamespaceKeyFunc);
    this.prune = CachePruning.forKind(kind);
  }

  @Override
  public T put(String key, T obj) {
    return super.put(key, prune.apply(obj));
  }
}
