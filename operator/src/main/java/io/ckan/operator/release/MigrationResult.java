package io.ckan.operator.release;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a migration Job reports in its termination message, one line of JSON:
 * {@code {"before":"<head or empty>","after":"<head>"}} on success, {@code {"error":"<tail of the output>"}} on
 * failure ({@code resources.MigrationObjects} writes both).
 *
 * <p>A head is CKAN core's alembic revision id: 12 lowercase hex digits, the middle part of the file names in
 * ckan/migration/versions ({@code 001_103676e0a497_create_existing_tables.py}). {@code before} is empty on a fresh
 * database (alembic reports {@code base}). Only the core head is recorded: plugin migrations (2.11's activity plugin,
 * extensions) change the schema without moving it.
 *
 * @param before core head before {@code ckan db upgrade}, or empty for a fresh database
 * @param after  core head after the upgrade (plugin migrations included)
 */
public record MigrationResult(String before, String after) {

  private static final Pattern HEAD = Pattern.compile("^[0-9a-f]{12}$");
  private static final Set<String> RESULT_FIELDS = Set.of("before", "after");
  private static final Set<String> ERROR_FIELDS = Set.of("error");
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  public MigrationResult {
    if (before == null || !(before.isEmpty() || HEAD.matcher(before).matches())) {
      throw new IllegalArgumentException("not a schema head (or empty): " + before);
    }
    if (after == null || !HEAD.matcher(after).matches()) {
      throw new IllegalArgumentException("not a schema head: " + after);
    }
  }

  /** Strict: exactly {@code before} and {@code after}, both strings in the head format; anything else is empty. */
  public static Optional<MigrationResult> parse(String terminationMessage) {
    return object(terminationMessage, RESULT_FIELDS).flatMap(root -> {
      JsonNode before = root.get("before");
      JsonNode after = root.get("after");
      if (!before.isTextual() || !after.isTextual()) {
        return Optional.empty();
      }
      String b = before.textValue();
      String a = after.textValue();
      if (!(b.isEmpty() || HEAD.matcher(b).matches()) || !HEAD.matcher(a).matches()) {
        return Optional.empty();
      }
      return Optional.of(new MigrationResult(b, a));
    });
  }

  /** The failure a migration Job reported ({@code {"error":"..."}} and nothing else), or empty. */
  public static Optional<String> error(String terminationMessage) {
    return object(terminationMessage, ERROR_FIELDS)
        .map(root -> root.get("error"))
        .filter(JsonNode::isTextual)
        .map(JsonNode::textValue);
  }

  /** Whether the upgrade moved the core schema (a fresh database counts: it got a schema). */
  public boolean changedSchema() {
    return !before.equals(after);
  }

  private static Optional<JsonNode> object(String message, Set<String> fields) {
    if (message == null || message.isBlank()) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = STRICT.readTree(message.strip());
    } catch (Exception e) {
      return Optional.empty();
    }
    if (root == null || !root.isObject() || root.size() != fields.size()) {
      return Optional.empty();
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      if (!fields.contains(names.next())) {
        return Optional.empty();
      }
    }
    return Optional.of(root);
  }
}
