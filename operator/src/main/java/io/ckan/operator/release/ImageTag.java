package io.ckan.operator.release;

/** Pure: the tag a release image is pushed under, and the repository part of an image reference. */
public final class ImageTag {
  private ImageTag() {}

  /** {@code registry.example.org/ckan/portal} + 2.11.5 + fingerprint -> {@code ...portal:2.11.5-<fp12>}. */
  public static String of(String registry, String ckanVersion, String imageFingerprint) {
    return registry + ":" + ckanVersion + "-" + Fingerprint.short12(imageFingerprint);
  }

  /**
   * The repository of a reference: without {@code @digest} and without {@code :tag}. A colon before the last slash is
   * a registry port ({@code host:5000/ckan/portal:tag} -> {@code host:5000/ckan/portal}).
   */
  public static String repository(String reference) {
    String withoutDigest = reference.contains("@") ? reference.substring(0, reference.indexOf('@')) : reference;
    int colon = withoutDigest.lastIndexOf(':');
    return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(0, colon) : withoutDigest;
  }
}
