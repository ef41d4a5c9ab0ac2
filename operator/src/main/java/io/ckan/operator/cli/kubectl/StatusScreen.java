package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.RevisionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** {@code kubectl ckan status} on one screen, in the manner of {@code kubectl cnpg status} (pure). */
final class StatusScreen {
  private StatusScreen() {}

  static String render(StatusSnapshot s, Instant now) {
    StringBuilder out = new StringBuilder();
    field(out, "Name", s.name() + " (namespace " + s.namespace() + ")");
    field(out, "Version", s.version());
    field(out, "Pointer", s.currentRevision() == null ? "no revision serves yet"
        : "revision " + s.currentRevision() + (Objects.equals(s.currentRevision(), s.desiredRevision())
            ? " (the spec's)" : ", the spec's is " + (s.desiredRevision() == null ? "not created yet"
                : "revision " + s.desiredRevision())));
    field(out, "Ready", summary(s.condition("Ready")));
    field(out, "Paused", s.paused() ? "yes" : "no");
    field(out, "Next", s.next());
    out.append("\nRevisions\n");
    out.append(s.revisions().isEmpty() ? "No revisions.\n" : Table.render(
        List.of("Current", "Revision", "State", "Ready", "Version", "Image", "Age", "Reason"),
        s.revisions().stream().map(r -> row(Objects.equals(r.number, s.currentRevision()) ? "*" : "",
            String.valueOf(r.number), r.state, replicas(r), r.version,
            shortImage(r.image), Ages.since(r.createdAt, now), r.reason)).toList()));
    List<RevisionStatus> backedUp = s.revisions().stream().filter(r -> r.backup != null).toList();
    if (!backedUp.isEmpty()) {
      // the backups taken before migrations: what `kubectl ckan restore NAME BACKUP` takes
      out.append("\nBackups (taken before the migration of)\n");
      out.append(Table.render(List.of("Revision", "Backup"), backedUp.stream()
          .map(r -> row(String.valueOf(r.number), r.backup)).toList()));
    }
    out.append("\nConditions\n");
    out.append(s.conditions().isEmpty() ? "No conditions.\n" : Table.render(
        List.of("Type", "Status", "Reason", "Age", "Message"),
        s.conditions().stream().map(c -> row(c.type(), c.status(), c.reason(),
            Ages.since(c.lastTransitionTime(), now), c.message())).toList()));
    out.append("\nRecent events\n");
    out.append(s.events().isEmpty() ? "No events.\n" : Table.render(List.of("Last seen", "Type", "Reason", "Message"),
        s.events().stream().map(e -> row(Ages.since(e.lastSeen(), now), e.type(),
            e.reason(), e.message())).toList()));
    return out.toString();
  }

  /** Rows of nullable cells ({@link List#of} refuses nulls). */
  private static List<String> row(String... cells) {
    return java.util.Arrays.asList(cells);
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append(String.format("%-9s %s", name + ":", Table.cell(value))).append('\n');
  }

  private static String summary(StatusSnapshot.ConditionView c) {
    return c == null ? null : c.status() + " (" + c.reason() + ")";
  }

  private static String replicas(RevisionStatus r) {
    return (r.availableReplicas == null ? 0 : r.availableReplicas) + "/" + (r.replicas == null ? 0 : r.replicas);
  }

  /** A digest shortened to 12 hex digits, as the screen is for reading; {@code -o yaml} has the whole reference. */
  static String shortImage(String image) {
    if (image == null) {
      return "";
    }
    int at = image.indexOf("@sha256:");
    return at < 0 || image.length() < at + 8 + 12 ? image : image.substring(0, at + 8 + 12);
  }
}
