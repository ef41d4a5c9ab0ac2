package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.contract.Labels;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code kubectl ckan pause NAME} / {@code resume NAME}: sets or removes the {@code ckan.io/paused} annotation, as
 * {@code kubectl annotate ckan NAME ckan.io/paused=true} / {@code ckan.io/paused-} would. The annotation, not
 * {@code spec.paused}: a GitOps tool owns the spec and would undo the edit. A pause the spec itself asks for is the
 * spec's to lift, so resume refuses it and says how.
 */
final class PauseCommand {
  private PauseCommand() {}

  static final Set<String> FLAGS = Set.of();

  static int run(Invocation inv, boolean pause) throws Args.UsageError {
    String name = inv.name("kubectl ckan " + (pause ? "pause" : "resume") + " NAME");
    var found = inv.cluster().instance(inv.namespace(), name);
    if (found.isEmpty()) {
      return inv.notFound(name);
    }
    CkanInstance ci = found.get();
    if (!pause && ci.getSpec() != null && Boolean.TRUE.equals(ci.getSpec().paused)) {
      inv.err().println("Error: " + name + " is paused by its spec (spec.paused: true); change it where the spec "
          + "lives (Git), or: kubectl patch ckan " + name + " -n " + inv.namespace()
          + " --type merge -p '{\"spec\":{\"paused\":false}}'");
      return ExitCodes.REFUSED;
    }
    Map<String, String> change = new HashMap<>();
    change.put(Labels.PAUSED, pause ? "true" : null);
    inv.cluster().annotate(ci, change);
    inv.out().println("ckaninstance.ckan.io/" + name + (pause ? " annotated: " + Labels.PAUSED + "=true (paused)"
        : " annotation " + Labels.PAUSED + " removed (resumed)"));
    return ExitCodes.OK;
  }
}
