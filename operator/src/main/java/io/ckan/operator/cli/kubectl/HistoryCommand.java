package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.HistoryEntry;
import java.util.List;
import java.util.Set;

/** {@code kubectl ckan history NAME [-o yaml|json]}: every move of the pointer, from {@code status.history}. */
final class HistoryCommand {
  private HistoryCommand() {}

  static final String USAGE = "kubectl ckan history NAME [-o yaml|json]";
  static final Set<String> FLAGS = Set.of("output");

  static int run(Invocation inv) throws Args.UsageError {
    String name = inv.name(USAGE);
    var ci = inv.cluster().instance(inv.namespace(), name);
    if (ci.isEmpty()) {
      return inv.notFound(name);
    }
    List<HistoryEntry> history = history(ci.get());
    if (inv.format() != null) {
      inv.print(history);
    } else {
      inv.out().print(HistoryTable.render(history, inv.clock().instant()));
    }
    return ExitCodes.OK;
  }

  static List<HistoryEntry> history(CkanInstance ci) {
    return ci.getStatus() == null || ci.getStatus().history == null ? List.of() : ci.getStatus().history;
  }
}
