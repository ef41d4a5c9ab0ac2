package io.ckan.operator.release;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The complete installed Python set of a built image: the text of {@code pip freeze --all} run in the image at the
 * end of its build. It travels from the build Job to the operator gzip-compressed and base64-encoded inside the
 * termination message (4096 bytes in all), and is kept as {@code requirements.lock} of the revision.
 *
 * @param packages normalized project name (PEP 503) -> what is installed: {@code ==1.2.3}, or
 *                 {@code @ git+https://...@<commit>} for a VCS install
 */
public record LockedSet(SortedMap<String, String> packages) {

  /** Decompressed text larger than this is refused (a freeze of a CKAN image is a few KiB). */
  static final int MAX_TEXT = 256 * 1024;

  private static final Pattern PINNED = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(===?.+)$");
  private static final Pattern DIRECT = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)\\s*@\\s*(\\S.*)$");
  private static final Pattern EDITABLE = Pattern.compile("^-e\\s+(\\S+?)#egg=([A-Za-z0-9][A-Za-z0-9._-]*)\\s*$");

  public LockedSet {
    packages = Collections.unmodifiableSortedMap(new TreeMap<>(packages));
  }

  /** Reads freeze text; comments, blank lines and lines that name no package are skipped. */
  public static LockedSet parse(String freeze) {
    SortedMap<String, String> packages = new TreeMap<>();
    for (String raw : freeze.split("\n")) {
      String line = raw.strip();
      Matcher m;
      if ((m = EDITABLE.matcher(line)).matches()) {
        packages.put(normalize(m.group(2)), "@ " + m.group(1));
      } else if ((m = PINNED.matcher(line)).matches()) {
        packages.put(normalize(m.group(1)), m.group(2).strip());
      } else if ((m = DIRECT.matcher(line)).matches()) {
        packages.put(normalize(m.group(1)), "@ " + m.group(2).strip());
      }
    }
    return new LockedSet(packages);
  }

  /** PEP 503: lower case, runs of {@code -_.} become one {@code -}. */
  static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
  }

  /** gzip, then base64 (no line breaks): the form of the termination message's {@code lock} field. */
  public static String encode(String freeze) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(freeze.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** The freeze text, or empty when the field is not base64 of gzip of UTF-8 text within {@link #MAX_TEXT}. */
  public static Optional<String> decode(String encoded) {
    if (encoded == null || encoded.isBlank()) {
      return Optional.empty();
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getMimeDecoder().decode(encoded)))) {
      byte[] text = in.readNBytes(MAX_TEXT + 1);
      if (text.length > MAX_TEXT) {
        return Optional.empty();
      }
      return Optional.of(new String(text, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** One package whose presence or version differs; {@code from} or {@code to} is null when added or removed. */
  public record Change(String name, String from, String to) {
    public String describe() {
      if (from == null) {
        return "+ " + name + " " + to;
      }
      if (to == null) {
        return "- " + name + " " + from;
      }
      return "~ " + name + " " + from + " -> " + to;
    }
  }

  /** What changed from this set to {@code next}, by package name. */
  public List<Change> diff(LockedSet next) {
    TreeMap<String, String> names = new TreeMap<>(packages);
    names.putAll(next.packages);
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      String from = packages.get(e.getKey());
      String to = next.packages.get(e.getKey());
      if (from == null || !from.equals(to)) {
        changes.add(new Change(e.getKey(), from, to));
      }
    }
    return changes;
  }
}
