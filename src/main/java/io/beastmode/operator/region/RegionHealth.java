package io.beastmode.operator.region;

import io.beastmode.api.v1alpha1.HealthCheck;
import io.beastmode.api.v1alpha1.RegionPhase;

/**
 * How one probe moves a region's health: fail after failureThreshold failed probes in a row,
 * recover after successThreshold successes in a row. Pure, so restarts resume from status.
 */
public final class RegionHealth {

  private RegionHealth() {}

  /** A region's health with the run of probe outcomes that led to it. */
  public record State(RegionPhase phase, int consecutiveFailures, int consecutiveSuccesses) {
    public static final State INITIAL = new State(RegionPhase.Unknown, 0, 0);
  }

  public static State next(State current, ProbeResult probe, HealthCheck check, boolean draining) {
    int failures = probe.apiReachable() ? 0 : current.consecutiveFailures() + 1;
    int successes = probe.apiReachable() ? current.consecutiveSuccesses() + 1 : 0;
    RegionPhase reachability = reachability(current.phase(), failures, successes, check);
    RegionPhase phase;
    if (reachability == RegionPhase.Unreachable || reachability == RegionPhase.Unknown) {
      phase = reachability;
    } else if (draining) {
      phase = RegionPhase.Draining;
    } else {
      phase = probe.routersReady() < probe.routersDesired() ? RegionPhase.Degraded : RegionPhase.Healthy;
    }
    return new State(phase, failures, successes);
  }

  /** Whether the region counts as reachable, with hysteresis on both edges. */
  private static RegionPhase reachability(RegionPhase phase, int failures, int successes, HealthCheck check) {
    boolean wasDown = phase == RegionPhase.Unreachable;
    if (failures >= check.failureThreshold) {
      return RegionPhase.Unreachable;
    }
    if (wasDown) {
      return successes >= check.successThreshold ? RegionPhase.Healthy : RegionPhase.Unreachable;
    }
    if (phase == RegionPhase.Unknown) {
      // A fresh region is usable on its first good probe; failures below the threshold keep it Unknown.
      return successes > 0 ? RegionPhase.Healthy : RegionPhase.Unknown;
    }
    return RegionPhase.Healthy;
  }
}
