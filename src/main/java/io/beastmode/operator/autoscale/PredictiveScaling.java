package io.beastmode.operator.autoscale;

/**
 * Turns a region's request-rate history into the fewest replicas it must run now so that replicas
 * started now are ready for the load one lead time ahead. The result only ever raises the HPA's
 * minimum: the HPA still scales out on live load, and scales in on live load alone. Pure.
 */
public final class PredictiveScaling {
  /**
   * History and forecast are in buckets of this many seconds; a day is {@link #BUCKETS_PER_DAY}.
   */
  public static final int BUCKET_SECONDS = 300;

  public static final int BUCKETS_PER_DAY = 86_400 / BUCKET_SECONDS;

  /**
   * Standard deviations of the one-step error added to the forecast, so that capacity falls short
   * of the forecast in roughly one bucket in ten rather than one in two.
   */
  static final double HEADROOM_DEVIATIONS = 1.28;

  /**
   * What the forecast came to.
   *
   * @param forecastRequestsPerSecond highest rate expected from now until one lead time ahead
   * @param leadSeconds how far ahead it looked
   * @param minReplicas the replicas that rate needs, within the spec's minimum and maximum
   * @param seasonal whether a daily cycle was learned (two days of history or more)
   */
  public record Prediction(
      double forecastRequestsPerSecond, int leadSeconds, int minReplicas, boolean seasonal) {}

  private PredictiveScaling() {}

  /**
   * @param requestsPerBucket completed buckets of requests, oldest first, the last one ending
   *     {@code secondsIntoBucket} seconds ago
   * @param ratePerReplica requests per second one replica takes at its autoscaling target
   */
  public static Prediction predict(
      double[] requestsPerBucket,
      int secondsIntoBucket,
      int leadSeconds,
      double ratePerReplica,
      int specMin,
      int max) {
    var model = HoltWinters.fit(requestsPerBucket, BUCKETS_PER_DAY, HoltWinters.Smoothing.DEFAULT);
    int steps = (secondsIntoBucket + leadSeconds) / BUCKET_SECONDS + 1;
    double peak = 0;
    for (int step = 1; step <= steps; step++) {
      peak = Math.max(peak, model.upperForecast(step, HEADROOM_DEVIATIONS));
    }
    double rate = peak / BUCKET_SECONDS;
    int needed = ratePerReplica <= 0 ? specMin : (int) Math.ceil(rate / ratePerReplica - 1e-9);
    int replicas = Math.min(max, Math.max(specMin, needed));
    return new Prediction(rate, leadSeconds, replicas, model.seasonal());
  }

  /**
   * Requests per second one replica takes at its in-flight target, by Little's law: in-flight =
   * rate x time in the router. A spec value wins; without latency data there is no estimate (0).
   */
  public static double ratePerReplica(
      Double specRate, int targetInFlightPerPod, double meanLatencySeconds) {
    if (specRate != null) {
      return specRate;
    }
    return meanLatencySeconds > 0 ? targetInFlightPerPod / meanLatencySeconds : 0;
  }
}
