package io.ckan.operator.release;

import java.util.Set;

/** Plugins that ship with CKAN core (entry points in ckan's setup.cfg, 2.10-2.12) and with the official images. */
public final class CorePlugins {
  private CorePlugins() {}

  /** ckanext-envvars: in the official images; the operator always loads it, last. */
  public static final String ENVVARS = "envvars";

  private static final Set<String> BUNDLED = Set.of(
      "activity", "tracking", "stats", "datastore", "datapusher", "resource_proxy",
      "text_view", "datatables_view", "image_view", "audio_view", "video_view", "webpage_view",
      "tabledesigner", "multilingual_dataset", "multilingual_group", "multilingual_tag",
      "multilingual_resource", "expire_api_token", "chained_functions", ENVVARS);

  public static boolean isBundled(String plugin) {
    return BUNDLED.contains(plugin);
  }
}
