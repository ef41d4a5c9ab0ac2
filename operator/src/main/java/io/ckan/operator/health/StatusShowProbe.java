package io.ckan.operator.health;

/** Asks one revision's CKAN (through its per-revision Service) for status_show. Pluggable for tests. */
@FunctionalInterface
public interface StatusShowProbe {
  StatusShow fetch(String namespace, String service);
}
