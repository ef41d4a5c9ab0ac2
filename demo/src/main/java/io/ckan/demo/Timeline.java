package io.ckan.demo;

import java.io.PrintStream;

/** Prints what happens, from every source, on one clock: seconds since the demo started. */
final class Timeline {
  private final PrintStream out;
  private final long start = System.nanoTime();

  Timeline(PrintStream out) {
    this.out = out;
  }

  synchronized void step(String title) {
    out.println();
    out.printf("[%7.2fs] == %s%n", seconds(), title);
  }

  synchronized void line(String source, String text) {
    out.printf("[%7.2fs]    %-8s %s%n", seconds(), source, text);
  }

  synchronized void raw(String text) {
    out.println(text);
  }

  private double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
