package io.ckan.sim;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Ordered rules; the first whose predicate matches decides. Thread-safe. */
final class RuleList<T, B> {

  private record Rule<T, B>(Predicate<T> when, B then) {
  }

  private final List<Rule<T, B>> rules = new CopyOnWriteArrayList<>();

  void add(Predicate<T> when, B then) {
    rules.add(new Rule<>(Objects.requireNonNull(when, "predicate"), Objects.requireNonNull(then, "behaviour")));
  }

  Optional<B> firstMatch(T subject) {
    for (Rule<T, B> rule : rules) {
      if (rule.when().test(subject)) {
        return Optional.of(rule.then());
      }
    }
    return Optional.empty();
  }

  void clear() {
    rules.clear();
  }
}
