package io.ckan.operator.cli.kubectl;

import io.ckan.operator.contract.Labels;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;

/**
 * {@code kubectl ckan retry NAME}: a new {@code ckan.io/retry} token (the time), as {@code kubectl annotate ckan NAME
 * ckan.io/retry=<token> --overwrite} would; the operator tries the spec's failed or rolled-back revision once more.
 */
final class RetryCommand {
  private RetryCommand() {}

  static final String USAGE = "kubectl ckan retry NAME";
  static final Set<String> FLAGS = Set.of();
  private static final DateTimeFormatter TOKEN = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  static int run(Invocation inv) throws Args.UsageError {
    String name = inv.name(USAGE);
    var ci = inv.cluster().instance(inv.namespace(), name);
    if (ci.isEmpty()) {
      return inv.notFound(name);
    }
    String token = TOKEN.format(inv.clock().instant());
    inv.cluster().annotate(ci.get(), Map.of(Labels.RETRY, token));
    inv.out().println("ckaninstance.ckan.io/" + name + " annotated: " + Labels.RETRY + "=" + token);
    return ExitCodes.OK;
  }
}
