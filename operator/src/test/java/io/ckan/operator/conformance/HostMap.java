package io.ckan.operator.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites in-cluster service addresses to loopback ones, standing in for cluster DNS: {@code host:port ->
 * 127.0.0.1:localport} (e.g. {@code solr.search.svc:8983 -> 127.0.0.1:41234}) and {@code host -> 127.0.0.1} (the port,
 * if any, is kept). Applied to env values, including URLs that came from Secret values
 * ({@code postgresql://u:p@db.svc:5432/ckan}).
 *
 * <p>A name matches only as a whole host: not preceded by a host-name character, and (for a bare host) not followed
 * by one, nor (for {@code host:port}) by a digit. A {@code host:port} entry wins over a bare-host entry for the same
 * host. One pass: replaced text is not rewritten again.
 */
public final class HostMap {
  private final Map<String, String> entries = new LinkedHashMap<>();
  private Pattern pattern;

  /** {@code host:port} (or bare {@code host}) of the cluster -> {@code 127.0.0.1:port}; returns this. */
  public HostMap map(String clusterAddress, String local) {
    entries.put(clusterAddress.toLowerCase(java.util.Locale.ROOT), local);
    pattern = null;
    return this;
  }

  /** {@code host:port -> 127.0.0.1:localPort}; returns this. */
  public HostMap map(String host, int port, int localPort) {
    return map(host + ":" + port, "127.0.0.1:" + localPort);
  }

  /** A bare {@code host -> 127.0.0.1}; returns this. */
  public HostMap loopback(String host) {
    return map(host, "127.0.0.1");
  }

  /** {@code s} with every mapped address rewritten (null stays null). */
  public String apply(String s) {
    if (s == null || entries.isEmpty()) {
      return s;
    }
    Matcher m = pattern().matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String hit = m.group(1) != null ? m.group(1) : m.group(2);
      m.appendReplacement(out, Matcher.quoteReplacement(entries.get(hit.toLowerCase(java.util.Locale.ROOT))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Pattern pattern() {
    if (pattern == null) {
      List<String> withPort = new ArrayList<>();
      List<String> bare = new ArrayList<>();
      for (String k : entries.keySet()) {
        (k.contains(":") ? withPort : bare).add(Pattern.quote(k));
      }
      String before = "(?<![\\w.-])";
      String a = withPort.isEmpty() ? "(?!x)x" : String.join("|", withPort);
      String b = bare.isEmpty() ? "(?!x)x" : String.join("|", bare);
      pattern = Pattern.compile(before + "(?:(" + a + ")(?!\\d)|(" + b + ")(?![\\w.-]))", Pattern.CASE_INSENSITIVE);
    }
    return pattern;
  }

  @Override
  public String toString() {
    return "HostMap" + entries;
  }
}
