package io.ckan.operator.release;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a successful build Job reports in its termination message, one line of JSON:
 * {@code {"digest":"sha256:<64hex>","commits":{"<extension>":"<40hex>",...},"lock":"<base64 gzip>"}}; instead of
 * {@code lock} the build may send {@code lockError} (why the image's freeze could not be reported, e.g. too large).
 *
 * @param digest    the pushed image's manifest digest
 * @param commits   extension name -> the commit its git ref resolved to (git extensions only), sorted by name
 * @param lock      the image's {@code pip freeze --all}, encoded as {@link LockedSet#encode}; null when not reported
 * @param lockError why the freeze is missing (from the build), or null
 */
public record BuildResult(String digest, Map<String, String> commits, String lock, String lockError) {

  public BuildResult(String digest, Map<String, String> commits) {
    this(digest, commits, null, null);
  }

  private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
  private static final Set<String> REQUIRED = Set.of("digest", "commits");
  private static final Set<String> FIELDS = Set.of("digest", "commits", "lock", "lockError");
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  public BuildResult {
    commits = Collections.unmodifiableSortedMap(new TreeMap<>(commits));
  }

  /** Strict: anything but exactly that shape (no other fields, no trailing text) is empty, a failed build. */
  public static Optional<BuildResult> parse(String terminationMessage) {
    if (terminationMessage == null || terminationMessage.isBlank()) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = STRICT.readTree(terminationMessage.strip());
    } catch (Exception e) {
      return Optional.empty();
    }
    if (root == null || !root.isObject() || !REQUIRED.stream().allMatch(root::has)) {
      return Optional.empty();
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      if (!FIELDS.contains(names.next())) {
        return Optional.empty();
      }
    }
    JsonNode digest = root.get("digest");
    JsonNode commits = root.get("commits");
    if (!digest.isTextual() || !DIGEST.matcher(digest.textValue()).matches() || !commits.isObject()) {
      return Optional.empty();
    }
    SortedMap<String, String> resolved = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = commits.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode commit = entry.getValue();
      if (!Tokens.EXTENSION_NAME.matcher(entry.getKey()).matches() || !commit.isTextual()
          || !Tokens.COMMIT.matcher(commit.textValue()).matches()) {
        return Optional.empty();
      }
      resolved.put(entry.getKey(), commit.textValue());
    }
    JsonNode lock = root.get("lock");
    JsonNode lockError = root.get("lockError");
    if (lock != null && (!lock.isTextual() || LockedSet.decode(lock.textValue()).isEmpty())
        || lockError != null && !lockError.isTextual()) {
      return Optional.empty();
    }
    return Optional.of(new BuildResult(digest.textValue(), resolved, lock == null ? null : lock.textValue(),
        lockError == null ? null : lockError.textValue()));
  }

  /** {@code registry.example.org/ckan/portal:2.11.5-abc} + digest -> {@code registry.example.org/ckan/portal@digest}. */
  public static String imageRef(String tag, String digest) {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("not an image digest: " + digest);
    }
    return ImageTag.repository(tag) + "@" + digest;
  }
}
