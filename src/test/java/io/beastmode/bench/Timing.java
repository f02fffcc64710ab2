package io.beastmode.bench;

import java.util.List;
import java.util.function.BooleanSupplier;

/** Waiting and timing, as the benchmarks measure. */
final class Timing {
  private Timing() {}

  /** Polls {@code condition} every 50 ms until it holds; throws after {@code timeoutMillis}. */
  static void waitFor(BooleanSupplier condition, long timeoutMillis, String what) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Seconds since {@code startNanos} (a {@link System#nanoTime}). */
  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** To the millisecond. */
  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  static double median(List<Double> values) {
    var sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : round((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
  }
}
