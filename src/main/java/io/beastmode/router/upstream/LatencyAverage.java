package io.beastmode.router.upstream;

/**
 * Exponentially weighted moving average of a backend's time to first byte. Recent calls weigh most
 * (alpha 0.2: the last ten calls carry about 90 % of the weight), so the latency policy follows a
 * backend that slows down within a few requests.
 */
public final class LatencyAverage {
  static final double ALPHA = 0.2;

  private double averageMillis = Double.NaN;

  public synchronized void record(double millis) {
    averageMillis =
        Double.isNaN(averageMillis) ? millis : averageMillis + ALPHA * (millis - averageMillis);
  }

  /** NaN before the first call. */
  public synchronized double millis() {
    return averageMillis;
  }
}
