package io.beastmode.wire;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Request latencies counted in fixed buckets, cumulative since start. Routers publish it in their
 * heartbeat; buckets add up across pods and regions, which percentiles do not.
 */
public final class LatencyHistogram {
  /** Upper bounds in milliseconds; a last, unbounded bucket follows. */
  public static final long[] BOUNDS_MS = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000
  };

  private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_MS.length + 1);

  public void record(long millis) {
    int bucket = 0;
    while (bucket < BOUNDS_MS.length && millis > BOUNDS_MS[bucket]) {
      bucket++;
    }
    counts.incrementAndGet(bucket);
  }

  public long[] counts() {
    long[] copy = new long[counts.length()];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = counts.get(i);
    }
    return copy;
  }

  /**
   * Mean latency of bucket counts, each request taken at its bucket's midpoint; 0 without requests.
   */
  public static double meanMillis(long[] counts) {
    double sum = 0;
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      double lower = i == 0 ? 0 : BOUNDS_MS[i - 1];
      double upper = i < BOUNDS_MS.length ? BOUNDS_MS[i] : lower;
      sum += counts[i] * (lower + upper) / 2;
      total += counts[i];
    }
    return total == 0 ? 0 : sum / total;
  }
}
