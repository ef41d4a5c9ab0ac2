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

  /**
   * The build Job (and Dockerfile ConfigMap) of an image fingerprint. Named by the image, not the instance: every
   * instance of the namespace that needs this image shares the one build.
   */
  public static String build(String imageFingerprint) {
    return "ckan-build-" + imageFingerprint.substring(0, 12);
  }
}
