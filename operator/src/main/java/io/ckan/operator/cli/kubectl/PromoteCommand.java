package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Reasons;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kubectl ckan promote NAME [N]}: sets {@code ckan.io/promote}, as {@code kubectl annotate ckan NAME
 * ckan.io/promote=N --overwrite} would, for the revision that awaits promotion ({@code rollout.promotion: manual};
 * N defaults to it). Refused before writing when no revision awaits promotion or N is another one: the operator would
 * refuse the request anyway. A value already acted on gets the documented suffix ({@code N#<time>}).
 */
final class PromoteCommand {
  private PromoteCommand() {}

  static final String USAGE = "kubectl ckan promote NAME [N]";
  static final Set<String> FLAGS = Set.of();

  static int run(Invocation inv) throws Args.UsageError {
    String name = inv.name(USAGE);
    if (inv.words().size() > 2 || inv.words().size() == 2 && !inv.words().get(1).matches("[1-9][0-9]{0,8}")) {
      throw new Args.UsageError("promote takes NAME and optionally a revision number; usage: " + USAGE);
    }
    var found = inv.cluster().instance(inv.namespace(), name);
    if (found.isEmpty()) {
      return inv.notFound(name);
    }
    CkanInstance ci = found.get();
    Optional<Integer> awaiting = awaiting(ci);
    if (awaiting.isEmpty()) {
      inv.err().println("Error: no revision of " + name + " awaits promotion (it waits only with "
          + "spec.rollout.promotion: manual, once verified; see kubectl ckan status " + name + "); nothing was "
          + "written");
      return ExitCodes.REFUSED;
    }
    String to = inv.words().size() == 2 ? inv.words().get(1) : awaiting.get().toString();
    if (!to.equals(awaiting.get().toString())) {
      inv.err().println("Error: revision " + to + " of " + name + " does not await promotion (revision "
          + awaiting.get() + " does); nothing was written");
      return ExitCodes.REFUSED;
    }
    String value = RollbackCommand.requestValue(to, ci.getStatus().lastHandledPromotion,
        inv.clock().instant().getEpochSecond());
    inv.cluster().annotate(ci, Map.of(Labels.PROMOTE, value));
    inv.out().println("ckaninstance.ckan.io/" + name + " annotated: " + Labels.PROMOTE + "=" + value
        + " (watch it: kubectl ckan status " + name + " -n " + inv.namespace() + " --watch)");
    return ExitCodes.OK;
  }

  /** The revision the status reports awaiting promotion (Ready=False, AwaitingPromotion), if any. */
  static Optional<Integer> awaiting(CkanInstance ci) {
    var status = ci.getStatus();
    if (status == null || status.desiredRevision == null || status.conditions == null) {
      return Optional.empty();
    }
    boolean waits = status.conditions.stream().anyMatch(c -> "Ready".equals(c.getType())
        && "False".equals(c.getStatus()) && Reasons.AWAITING_PROMOTION.equals(c.getReason()));
    return waits ? Optional.of(status.desiredRevision) : Optional.empty();
  }
}
