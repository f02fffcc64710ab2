package io.beastmode.simulator;

/** Time before a simulated model's first byte. */
final class Latency {
  /** The standard normal quantile at 0.99: p99 = median * exp(sigma * Z_99). */
  static final double Z_99 = 2.326;

  private Latency() {}

  /**
   * The latency for a draw {@code standardNormal} of N(0, 1): fixed when the model's p99 equals its
   * median, otherwise lognormal with that median and p99.
   */
  static long sampleMs(SimulatedModel model, double standardNormal) {
    if (model.latencyP99Ms() == model.latencyMs()) {
      return model.latencyMs();
    }
    double sigma = Math.log((double) model.latencyP99Ms() / model.latencyMs()) / Z_99;
    return Math.round(model.latencyMs() * Math.exp(sigma * standardNormal));
  }
}
