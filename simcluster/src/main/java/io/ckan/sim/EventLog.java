package io.ckan.sim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A bounded, timestamped, human-readable record of what the simulated controllers did. */
final class EventLog {

  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
  private static final int MAX_ENTRIES = 10_000;

  private final Clock clock;
  private final Deque<String> entries = new ArrayDeque<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  EventLog(Clock clock) {
    this.clock = clock;
  }

  void record(String format, Object... args) {
    String entry = TIME.format(clock.instant()) + " " + String.format(format, args);
    synchronized (entries) {
      if (entries.size() == MAX_ENTRIES) {
        entries.removeFirst();
      }
      entries.addLast(entry);
    }
    LOG.info("{}", entry);
    for (Consumer<String> listener : listeners) {
      try {
        listener.accept(entry);
      } catch (RuntimeException e) {
        LOG.warn("event listener failed", e);
      }
    }
  }

  List<String> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  void addListener(Consumer<String> listener) {
    listeners.add(listener);
  }
}
