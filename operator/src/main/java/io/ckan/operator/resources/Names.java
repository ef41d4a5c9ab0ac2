package io.ckan.operator.resources;

/** Object names of the resource contract. */
public final class Names {
  private Names() {}

  public static String pointer(String instance) {
    return instance;
  }

  public static String revision(String instance, int revision) {
    return instance + "-r" + revision;
  }
}
