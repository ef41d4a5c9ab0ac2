package io.ckan.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * An informer over the operator's objects of one kind that hands every change to the controller loop as a key
 * ("namespace/name"), and deletions as the last known object.
 */
final class ManagedInformer<T extends HasMetadata> implements AutoCloseable {

  private final SharedIndexInformer<T> informer;

  ManagedInformer(Informable<T> source, ControllerLoop loop, Consumer<String> onChange, Consumer<T> onDelete) {
    this.informer = source.runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        String key = Cache.metaNamespaceKeyFunc(obj);
        loop.submit(() -> onChange.accept(key));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        String key = Cache.metaNamespaceKeyFunc(newObj);
        loop.submit(() -> onChange.accept(key));
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        loop.submit(() -> onDelete.accept(obj));
      }
    });
  }

  /** Starts the informer and waits for its first list. */
  void start() {
    startAndWait(informer);
  }

  /** Starts an informer and waits (30 s at most) for its first list. */
  static void startAndWait(SharedIndexInformer<?> informer) {
    try {
      informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting informer", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("informer for " + informer.getApiTypeClass().getSimpleName() + " did not start", e);
    }
  }

  /** The cached object for "namespace/name", or null. */
  T get(String key) {
    return informer.getStore().getByKey(key);
  }

  List<String> keys() {
    return informer.getStore().listKeys();
  }

  @Override
  public void close() {
    informer.close();
  }
}
