package io.beastmode.operator.traffic;

import io.beastmode.api.v1alpha1.FailoverSpec;
import io.beastmode.api.v1alpha1.TrafficStage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

/**
 * Moves one region through failover and failback: out at once when it stops serving, back only
 * after it has served for failbackAfterSeconds, then in steps, each after as long again and only
 * once the region runs the replicas the step needs. A region failed over maxFlapsPerHour times
 * within an hour is held out until released. Pure: the state comes from and goes to status.
 */
public final class FailoverMachine {

  private FailoverMachine() {}

  public static RegionTrafficState next(
      RegionTrafficState state, RegionSignal signal, Instant now, FailoverSpec spec) {
    boolean usable = signal.serving() && !signal.draining();
    Duration settle = Duration.ofSeconds(spec.failbackAfterSeconds);
    return switch (state.stage()) {
      case Starting ->
          usable && signal.capacityReady() ? state.enter(TrafficStage.Active, now) : state;
      case Active, FailingBack -> {
        if (!usable) {
          yield signal.draining()
              ? state.enter(TrafficStage.FailedOver, now)
              : failOver(state, now, spec);
        }
        if (state.stage() == TrafficStage.Active
            || !settled(state, now, settle)
            || !signal.capacityReady()) {
          yield state;
        }
        int nextStep = state.step() + 1;
        yield nextStep >= spec.shiftSteps.size() - 1
            ? state.enter(TrafficStage.Active, now)
            : new RegionTrafficState(TrafficStage.FailingBack, now, nextStep, state.failovers());
      }
      case FailedOver -> usable ? state.enter(TrafficStage.Recovering, now) : state;
      case Recovering -> {
        if (!usable) {
          yield state.enter(TrafficStage.FailedOver, now);
        }
        if (!settled(state, now, settle) || !signal.capacityReady()) {
          yield state;
        }
        yield spec.shiftSteps.size() == 1
            ? state.enter(TrafficStage.Active, now)
            : new RegionTrafficState(TrafficStage.FailingBack, now, 0, state.failovers());
      }
      case HeldOut ->
          signal.released()
              ? new RegionTrafficState(TrafficStage.FailedOver, now, 0, java.util.List.of())
              : state;
    };
  }

  /** The share of its full weight a region takes in its stage, 0 to 1. */
  public static double fraction(RegionTrafficState state, FailoverSpec spec) {
    return switch (state.stage()) {
      case Active -> 1.0;
      case FailingBack ->
          spec.shiftSteps.get(Math.min(state.step(), spec.shiftSteps.size() - 1)) / 100.0;
      case Starting, FailedOver, Recovering, HeldOut -> 0.0;
    };
  }

  /** When the machine next moves on its own (a settle period ends), if it will. */
  public static Instant nextTimedChange(RegionTrafficState state, FailoverSpec spec) {
    return switch (state.stage()) {
      case Recovering, FailingBack -> state.since().plusSeconds(spec.failbackAfterSeconds);
      case Starting, Active, FailedOver, HeldOut -> null;
    };
  }

  private static RegionTrafficState failOver(
      RegionTrafficState state, Instant now, FailoverSpec spec) {
    var failovers = new ArrayList<>(state.recentFailovers(now));
    failovers.add(now);
    var stage =
        failovers.size() >= spec.maxFlapsPerHour ? TrafficStage.HeldOut : TrafficStage.FailedOver;
    return new RegionTrafficState(stage, now, 0, failovers);
  }

  private static boolean settled(RegionTrafficState state, Instant now, Duration settle) {
    return !now.isBefore(state.since().plus(settle));
  }
}
