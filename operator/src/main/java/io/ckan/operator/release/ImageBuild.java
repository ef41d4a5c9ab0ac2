package io.ckan.operator.release;

import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.ExtensionSpec;
import java.util.List;

/**
 * A release image the operator must build: the base, the pinned extensions, the pins of their transitive
 * dependencies (spec.constraints, by project name) and where to push it. Identified by the
 * release's image fingerprint; the tag is {@code <registry>:<version>-<fp12>}, Deployments use the pushed digest.
 */
public record ImageBuild(String baseImage, String ckanVersion, List<ExtensionSpec> extensions,
    List<String> constraints, String tag, BuildSpec spec) {

  /** Bumped when the way images are built changes, so equal specs then build anew. Part of the image fingerprint. */
  public static final String RECIPE_VERSION = "1";
}
