package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.RevisionStatus;
import io.ckan.operator.contract.Labels;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code kubectl ckan rollback NAME [--to N|previous]}: sets {@code ckan.io/rollback-to}, as {@code kubectl annotate
 * ckan NAME ckan.io/rollback-to=N --overwrite} would. A value the operator has already acted on is acted on never
 * again, so a repeated request for the same revision gets the documented suffix ({@code N#<time>}).
 */
final class RollbackCommand {
  private RollbackCommand() {}

  static final String USAGE = "kubectl ckan rollback NAME [--to N|previous]";
  static final Set<String> FLAGS = Set.of("to");

  static int run(Invocation inv) throws Args.UsageError {
    String name = inv.name(USAGE);
    String to = inv.args().value("to").orElse("previous");
    if (!to.equals("previous") && !to.matches("[1-9][0-9]{0,8}")) {
      throw new Args.UsageError("--to takes a revision number or 'previous', not '" + to + "'; usage: " + USAGE);
    }
    var found = inv.cluster().instance(inv.namespace(), name);
    if (found.isEmpty()) {
      return inv.notFound(name);
    }
    CkanInstance ci = found.get();
    String retained = retained(ci);
    if (!to.equals("previous") && !retained.isEmpty()
        && !Set.of(retained.split(", ")).contains(to)) {
      inv.err().println("Error: revision " + to + " of " + name + " is not retained (retained: " + retained
          + "); nothing was written");
      return ExitCodes.REFUSED;
    }
    String value = requestValue(to, ci.getStatus() == null ? null : ci.getStatus().lastHandledRollback,
        inv.clock().instant().getEpochSecond());
    inv.cluster().annotate(ci, Map.of(Labels.ROLLBACK_TO, value));
    inv.out().println("ckaninstance.ckan.io/" + name + " annotated: " + Labels.ROLLBACK_TO + "=" + value
        + " (watch it: kubectl ckan status " + name + " -n " + inv.namespace() + " --watch)");
    return ExitCodes.OK;
  }

  /** The request as written: the target, made new when that exact value was already acted on (pure). */
  static String requestValue(String to, String lastHandled, long now) {
    return to.equals(lastHandled) ? to + "#" + now : to;
  }

  private static String retained(CkanInstance ci) {
    if (ci.getStatus() == null || ci.getStatus().revisions == null) {
      return "";
    }
    return ci.getStatus().revisions.stream().map((RevisionStatus r) -> String.valueOf(r.number)).sorted()
        .collect(Collectors.joining(", "));
  }
}
