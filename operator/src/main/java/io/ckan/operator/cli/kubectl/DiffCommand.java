package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.CkanInstance;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kubectl ckan diff NAME N M [-o yaml|json]}: what differs between two retained revisions, from what the
 * cluster records of each. Exits 0 when they run the same release, 1 when they differ (like {@code diff}).
 */
final class DiffCommand {
  private DiffCommand() {}

  static final String USAGE = "kubectl ckan diff NAME N M [-o yaml|json]";
  static final Set<String> FLAGS = Set.of("output");

  static int run(Invocation inv) throws Args.UsageError {
    if (inv.words().size() != 3 || !inv.words().get(1).matches("[1-9][0-9]{0,8}")
        || !inv.words().get(2).matches("[1-9][0-9]{0,8}")) {
      throw new Args.UsageError("diff takes NAME and two revision numbers; usage: " + USAGE);
    }
    String name = inv.words().get(0);
    int from = Integer.parseInt(inv.words().get(1));
    int to = Integer.parseInt(inv.words().get(2));
    Optional<CkanInstance> ci = inv.cluster().instance(inv.namespace(), name);
    if (ci.isEmpty()) {
      return inv.notFound(name);
    }
    Optional<RevisionRecord> a = inv.cluster().revision(ci.get(), from);
    Optional<RevisionRecord> b = inv.cluster().revision(ci.get(), to);
    for (var missing : List.of(a.isEmpty() ? from : 0, b.isEmpty() ? to : 0)) {
      if (missing != 0) {
        inv.err().println("Error: revision " + missing + " of " + name + " is not retained (pruned, or never "
            + "created): its config snapshot " + name + "-r" + missing + " is not there");
        return ExitCodes.NOT_FOUND;
      }
    }
    List<RevisionDiff.Change> changes = RevisionDiff.between(a.get(), b.get());
    if (inv.format() != null) {
      inv.print(RevisionDiff.asObject(from, to, changes));
    } else {
      inv.out().print(RevisionDiff.render(from, to, changes));
    }
    return changes.isEmpty() ? ExitCodes.OK : ExitCodes.DIFFERENT;
  }
}
