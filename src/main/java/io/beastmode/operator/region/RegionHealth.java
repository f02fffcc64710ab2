package io.beastmode.operator.region;

import io.beastmode.api.v1alpha1.HealthCheck;
import io.beastmode.api.v1alpha1.RegionPhase;

/**
 * How one probe moves a region's health. Whether the region serves traffic has hysteresis: it stops
 * after failureThreshold failed probes in a row and serves again after successThreshold good ones.
 * The phase says what the hub sees now. Pure, so restarts resume from status.
 */
public final class RegionHealth {

  private RegionHealth() {}

  /** A region's health with the run of probe outcomes that led to it. */
  public record State(
      RegionPhase phase, int consecutiveFailures, int consecutiveSuccesses, boolean serving) {
    public static final State INITIAL = new State(RegionPhase.Unknown, 0, 0, false);
  }

  public static State next(State current, ProbeResult probe, HealthCheck check, boolean draining) {
    boolean vital = probe.vital();
    int failures = vital ? 0 : current.consecutiveFailures() + 1;
    int successes = vital ? current.consecutiveSuccesses() + 1 : 0;
    boolean fresh = current.phase() == RegionPhase.Unknown && !current.serving();
    boolean serving;
    if (current.serving()) {
      serving = failures < check.failureThreshold;
    } else {
      // A fresh region serves on its first good probe; one that failed needs successThreshold in a
      // row.
      serving = fresh ? vital : successes >= check.successThreshold;
    }
    return new State(
        phase(current, probe, check, draining, failures, serving), failures, successes, serving);
  }

  private static RegionPhase phase(
      State current,
      ProbeResult probe,
      HealthCheck check,
      boolean draining,
      int failures,
      boolean serving) {
    if (!probe.apiReachable()) {
      if (failures >= check.failureThreshold || current.phase() == RegionPhase.Unreachable) {
        return RegionPhase.Unreachable;
      }
      // A blip below the threshold changes nothing yet.
      return current.phase();
    }
    if (draining) {
      return RegionPhase.Draining;
    }
    return serving && !probe.partial() ? RegionPhase.Healthy : RegionPhase.Degraded;
  }
}
