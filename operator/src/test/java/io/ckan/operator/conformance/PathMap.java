package io.ckan.operator.conformance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the container's filesystem paths onto local directories, standing in for the image's filesystem and the
 * pod's volume mounts: an ordered list of absolute path prefixes and their replacements (for example
 * {@code /srv/app -> <tmp>/app}, {@code /srv/ckan-runtime -> <tmp>/runtime}, {@code /var/lib/ckan -> <tmp>/storage},
 * {@code /dev/termination-log -> <tmp>/termination-log}).
 *
 * <p>{@link #apply} rewrites every occurrence of a prefix inside a string (a path argument, a shell script, an env
 * value) where it stands as a whole path: not preceded by a letter, digit, {@code _ . / ~} (so {@code $HOME/srv/app}
 * and {@code file:///srv/app} stay), and followed by {@code /}, the end, or a character that cannot continue a file
 * name. So {@code /srv/app} maps {@code /srv/app/ckan.ini}, {@code "$X:/srv/app"} and
 * {@code ${CKAN_INI:-/srv/app/ckan.ini}}, but not {@code /srv/application}. Where several prefixes match at the same place the first
 * one added wins, so add a more specific prefix (e.g. a file mounted with subPath) before its directory. The
 * replacement is done in one pass: replaced text is never mapped again.
 */
public final class PathMap {
  private final Map<String, String> entries = new LinkedHashMap<>();
  private Pattern pattern;

  /** Adds {@code containerPrefix -> local}; returns this. */
  public PathMap map(String containerPrefix, Path local) {
    return map(containerPrefix, local.toAbsolutePath().normalize().toString());
  }

  /** Adds {@code containerPrefix -> replacement}; returns this. */
  public PathMap map(String containerPrefix, String replacement) {
    if (!containerPrefix.startsWith("/") || containerPrefix.length() < 2) {
      throw new IllegalArgumentException("not an absolute path below /: " + containerPrefix);
    }
    String key = containerPrefix.endsWith("/") ? containerPrefix.substring(0, containerPrefix.length() - 1)
        : containerPrefix;
    entries.put(key, replacement);
    pattern = null;
    return this;
  }

  /** The entries, in the order they were added. */
  public Map<String, String> entries() {
    return Map.copyOf(entries);
  }

  /** Where a container path would be locally ({@code path} itself when no prefix matches). */
  public Path local(String containerPath) {
    return Path.of(apply(containerPath));
  }

  /** Whether some prefix maps {@code containerPath}. */
  public boolean maps(String containerPath) {
    return !apply(containerPath).equals(containerPath);
  }

  /** {@code s} with every mapped path prefix replaced (null stays null). */
  public String apply(String s) {
    if (s == null || entries.isEmpty()) {
      return s;
    }
    Pattern p = pattern();
    Matcher m = p.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(entries.get(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Every element mapped. */
  public List<String> apply(List<String> list) {
    List<String> out = new ArrayList<>(list.size());
    list.forEach(s -> out.add(apply(s)));
    return out;
  }

  private Pattern pattern() {
    if (pattern == null) {
      List<String> alternatives = new ArrayList<>();
      entries.keySet().forEach(k -> alternatives.add(Pattern.quote(k)));
      pattern = Pattern.compile("(?<![\\w.~/])(" + String.join("|", alternatives) + ")(?![\\w.~-])");
    }
    return pattern;
  }

  @Override
  public String toString() {
    return "PathMap" + entries;
  }
}
