package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.AutoscalingSpec;
import io.beastmode.api.v1alpha1.FailoverSpec;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.operator.autoscale.Forecasts;
import io.beastmode.operator.traffic.FailoverMachine;
import io.beastmode.operator.traffic.RouterTraffic;
import io.beastmode.operator.traffic.TrafficDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When an LLMRouter is looked at again without an event: the soonest of the next failback step, a
 * convergence check, a forecast refresh, a starting region's go-ahead, a flap release, and the idle
 * or not-ready re-check. Pure.
 */
public final class NextCheck {
  static final Duration NOT_READY = Duration.ofSeconds(10);
  static final Duration IDLE = Duration.ofMinutes(5);
  static final Duration CONVERGE = Duration.ofSeconds(1);
  static final Duration RELEASE = Duration.ofSeconds(5);
  static final Duration STARTING = Duration.ofSeconds(2);
  static final Duration FORECAST = Forecasts.REFRESH;

  /** Past a timed change, by this much: the change is due when the next pass runs. */
  static final Duration AFTER_DUE = Duration.ofMillis(50);

  private NextCheck() {}

  /**
   * @param allReady whether the router's Ready condition is True
   * @param regions the router's region status as just built
   * @param converging whether the last failover waits for routers to run its weights
   */
  public static Duration after(
      AutoscalingSpec autoscaling,
      FailoverSpec failover,
      TrafficDecision traffic,
      boolean allReady,
      List<RouterRegionStatus> regions,
      boolean converging,
      Instant now) {
    Duration next = allReady ? IDLE : NOT_READY;
    if (autoscaling.enabled && autoscaling.predictive) {
      next = min(next, FORECAST);
    }
    if (converging) {
      next = CONVERGE;
    }
    if (regions.stream()
        .anyMatch(
            r ->
                r.trafficStage == TrafficStage.Starting
                    && RouterTraffic.capacityReady(Optional.of(r)))) {
      // A starting region's routers are ready: the next pass reads that from status and lets
      // traffic in.
      next = min(next, STARTING);
    }
    if (traffic.states().values().stream().anyMatch(s -> s.stage() == TrafficStage.HeldOut)) {
      // A release is an annotation, which does not change the generation and so wakes nothing up.
      next = min(next, RELEASE);
    }
    for (var state : traffic.states().values()) {
      var at = FailoverMachine.nextTimedChange(state, failover);
      if (at != null) {
        var until = Duration.between(now, at).plus(AFTER_DUE);
        next = min(next, until.isNegative() ? AFTER_DUE : until);
      }
    }
    return next;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
