package io.ckan.operator.cli.kubectl;

import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** {@code kubectl ckan status NAME [-o yaml|json] [--watch]}: the instance on one screen. */
final class StatusCommand {
  private StatusCommand() {}

  static final String USAGE = "kubectl ckan status NAME [-o yaml|json] [-w|--watch [--interval 2s]]";
  static final Set<String> FLAGS = Set.of("output", "watch", "interval");
  static final Duration INTERVAL = Duration.ofSeconds(2);

  static int run(Invocation inv) throws Args.UsageError {
    String name = inv.name(USAGE);
    if (inv.args().has("watch")) {
      Duration interval = INTERVAL;
      if (inv.args().value("interval").isPresent()) {
        interval = seconds(inv.args().value("interval").get());
      }
      return watch(inv, name, interval, () -> !Thread.currentThread().isInterrupted());
    }
    Optional<Read> read = read(inv, name);
    if (read.isEmpty()) {
      return inv.notFound(name);
    }
    show(inv, read.get().snapshot());
    return ExitCodes.OK;
  }

  /** "2", "2s" or "0.5s", at least 0.1 s. */
  private static Duration seconds(String value) throws Args.UsageError {
    if (!value.matches("\\d{1,5}(\\.\\d{1,3})?s?")) {
      throw new Args.UsageError("--interval takes seconds (2s, 0.5), not '" + value + "'");
    }
    return Duration.ofMillis(Math.max(100, (long) (Double.parseDouble(value.replaceAll("s$", "")) * 1000)));
  }

  /** The instance and its Events as one snapshot, and a key that changes when either does. */
  record Read(StatusSnapshot snapshot, String version) {}

  static Optional<Read> read(Invocation inv, String name) {
    return inv.cluster().instance(inv.namespace(), name).map(ci -> {
      List<Event> events = inv.cluster().events(ci);
      String version = ci.getMetadata().getResourceVersion() + "/" + events.stream()
          .map(e -> e.getMetadata().getResourceVersion()).sorted().collect(Collectors.joining(","));
      return new Read(StatusSnapshot.of(ci, events), version);
    });
  }

  private static void show(Invocation inv, StatusSnapshot snapshot) {
    if (inv.format() != null) {
      inv.print(snapshot);
    } else {
      inv.out().print(StatusScreen.render(snapshot, inv.clock().instant()));
    }
    inv.out().flush();
  }

  /**
   * Shows the status again each time the instance or its Events change (looked at every {@code interval}) while
   * {@code going} says so; ends with {@link ExitCodes#NOT_FOUND} when the instance is (or gets) deleted.
   */
  static int watch(Invocation inv, String name, Duration interval, BooleanSupplier going) {
    String shown = null;
    while (going.getAsBoolean()) {
      Optional<Read> read = read(inv, name);
      if (read.isEmpty()) {
        return inv.notFound(name);
      }
      if (!read.get().version().equals(shown)) {
        if (shown != null && inv.format() == null) {
          inv.out().print("\n");
        }
        if (inv.format() == null) {
          inv.out().println("== " + inv.clock().instant());
        }
        show(inv, read.get().snapshot());
        shown = read.get().version();
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return ExitCodes.OK;
  }
}
