package io.ckan.operator.cli.kubectl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * What differs between two revisions, field by field (pure): version, image, plugins (in load order: order matters
 * to CKAN), each extension and the commit its git ref resolved to, each config option, and, when both revisions
 * have a locked set, every installed Python package (transitive ones too) that was added, removed or changed. Secrets are never in it:
 * revisions record only {@code secretKeyRef}s, and the config snapshot holds none.
 */
final class RevisionDiff {
  private RevisionDiff() {}

  /** One difference; {@code from} or {@code to} is null where the revision has no such thing. */
  record Change(String field, String from, String to) {}

  static List<Change> between(RevisionRecord a, RevisionRecord b) {
    List<Change> changes = new ArrayList<>();
    add(changes, "version", a.version(), b.version());
    add(changes, "image", a.image(), b.image());
    add(changes, "plugins", String.join(",", a.plugins()), String.join(",", b.plugins()));
    each(changes, "extension ", a.extensions(), b.extensions());
    each(changes, "commit ", a.commits(), b.commits());
    each(changes, "config ", a.config(), b.config());
    add(changes, "schema", a.schemaAfter(), b.schemaAfter());
    if (a.locked() != null && b.locked() != null) {
      a.locked().diff(b.locked()).forEach(c -> changes.add(new Change("package " + c.name(), c.from(), c.to())));
    }
    return changes;
  }

  private static void each(List<Change> changes, String prefix, SortedMap<String, String> a,
      SortedMap<String, String> b) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String key : keys) {
      add(changes, prefix + key, a.get(key), b.get(key));
    }
  }

  private static void add(List<Change> changes, String field, String from, String to) {
    String f = from == null || from.isEmpty() ? null : from;
    String t = to == null || to.isEmpty() ? null : to;
    if (!Objects.equals(f, t)) {
      changes.add(new Change(field, f, t));
    }
  }

  /** The changes as a table: one row per field, a column per revision. */
  static String render(int from, int to, List<Change> changes) {
    if (changes.isEmpty()) {
      return "revisions " + from + " and " + to + " run the same release\n";
    }
    return Table.render(List.of("Field", "Revision " + from, "Revision " + to), changes.stream()
        .map(c -> List.of(c.field(), Objects.toString(c.from(), "-"), Objects.toString(c.to(), "-"))).toList());
  }

  static Map<String, Object> asObject(int from, int to, List<Change> changes) {
    return Map.of("from", from, "to", to, "changes", changes);
  }
}
