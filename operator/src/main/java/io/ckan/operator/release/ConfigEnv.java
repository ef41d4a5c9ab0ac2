package io.ckan.operator.release;

import java.util.Locale;
import java.util.Map;

/**
 * Maps a CKAN option name to the environment variable that sets it. Options CKAN core reads directly
 * (ckan.site_url -> CKAN_SITE_URL) use the core name; other {@code ckan.*} options use ckanext-envvars'
 * {@code CKAN__X__Y}; options outside the ckan namespace use {@code CKAN___A__B}.
 */
public final class ConfigEnv {
  private ConfigEnv() {}

  private static final Map<String, String> CORE = Map.of(
      "ckan.site_url", "CKAN_SITE_URL",
      "ckan.site_id", "CKAN_SITE_ID",
      "ckan.storage_path", "CKAN_STORAGE_PATH",
      "ckan.datapusher.url", "CKAN_DATAPUSHER_URL",
      "ckan.max_resource_size", "CKAN_MAX_UPLOAD_SIZE_MB");

  public static String envName(String option) {
    String core = CORE.get(option);
    if (core != null) {
      return core;
    }
    if (option.startsWith("ckan.")) {
      return "CKAN__" + upper(option.substring("ckan.".length()));
    }
    return "CKAN___" + upper(option);
  }

  private static String upper(String dotted) {
    return dotted.replace(".", "__").toUpperCase(Locale.ROOT);
  }
}
