package io.beastmode.operator.traffic;

import io.beastmode.api.v1alpha1.FailoverSpec;
import io.beastmode.api.v1alpha1.TrafficStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, for all regions of one router at once, each region's next failover state, the traffic
 * weights and the replica floors that must be in place before the weights move. When more than half
 * of the regions look down at once the hub is more likely the one cut off, so nothing moves. Pure.
 */
public final class FailoverPlan {

  /**
   * One region as the plan sees it.
   *
   * @param name region name
   * @param signal its health and readiness
   * @param previous its state from status, or null for a region new to the router
   * @param weight configured weight (activeActive)
   * @param priority configured priority (activePassive)
   * @param floor replicas it runs at its normal share
   * @param maxReplicas most replicas the region allows
   */
  public record Region(
      String name,
      RegionSignal signal,
      RegionTrafficState previous,
      int weight,
      int priority,
      int floor,
      int maxReplicas) {}

  /** Part of its share a region keeps while an SLO's ShiftTraffic action is in force for it. */
  static final double SHED_FRACTION = 0.5;

  /** More moves than a stage sequence has: a bound, not a limit ever reached. */
  private static final int MAX_MOVES = 5;

  private FailoverPlan() {}

  public static TrafficDecision decide(List<Region> regions, FailoverSpec spec, Instant now) {
    long down =
        regions.stream().filter(r -> !r.signal().serving() && !r.signal().draining()).count();
    boolean freeze =
        regions.size() > 1 && down * 2 > regions.size() || regions.size() == 1 && down == 1;
    String frozen =
        freeze
            ? down
                + " of "
                + regions.size()
                + " regions look down at once; the hub may be the one cut off, so traffic stays as it is"
            : null;

    Map<String, RegionTrafficState> states = new LinkedHashMap<>();
    var changes = new ArrayList<TrafficDecision.Change>();
    for (var region : regions) {
      var state =
          region.previous() != null
              ? region.previous()
              : new RegionTrafficState(TrafficStage.Starting, now, 0, List.of());
      // Run the machine until it rests, so that, say, a released region that already serves again
      // goes on to Recovering now rather than on some later wake-up.
      // A freeze holds traffic where it is; a starting region whose routers are ready only adds
      // capacity.
      for (int move = 0;
          move < MAX_MOVES && (!freeze || state.stage() == TrafficStage.Starting);
          move++) {
        var next = FailoverMachine.next(state, region.signal(), now, spec);
        if (next.equals(state)) {
          break;
        }
        if (region.previous() != null) {
          changes.add(
              new TrafficDecision.Change(
                  region.name(),
                  state.stage(),
                  next.stage(),
                  reason(state, next, region.signal())));
        }
        state = next;
      }
      states.put(region.name(), state);
    }
    var weights = TrafficWeights.compute(spec.mode, shares(regions, states, spec, false));
    var fullWeights = TrafficWeights.compute(spec.mode, shares(regions, states, spec, true));
    int fleetFloor = regions.stream().mapToInt(Region::floor).sum();
    Map<String, Integer> floors = new LinkedHashMap<>();
    for (var region : regions) {
      boolean comingBack = states.get(region.name()).comingBack();
      int target =
          Math.max(weights.get(region.name()), comingBack ? fullWeights.get(region.name()) : 0);
      int needed = (int) Math.ceil(fleetFloor * target / 100.0);
      floors.put(region.name(), Math.min(region.maxReplicas(), Math.max(region.floor(), needed)));
    }
    return new TrafficDecision(states, weights, floors, frozen, changes);
  }

  /**
   * @param asIfBack count regions on their way back at full weight, to size their replicas early
   */
  private static List<TrafficWeights.Share> shares(
      List<Region> regions,
      Map<String, RegionTrafficState> states,
      FailoverSpec spec,
      boolean asIfBack) {
    return regions.stream()
        .map(
            r -> {
              var state = states.get(r.name());
              double fraction =
                  asIfBack && state.comingBack() ? 1.0 : FailoverMachine.fraction(state, spec);
              if (r.signal().shedding()) {
                fraction *= SHED_FRACTION;
              }
              return new TrafficWeights.Share(r.name(), r.weight(), r.priority(), fraction);
            })
        .toList();
  }

  private static String reason(
      RegionTrafficState from, RegionTrafficState to, RegionSignal signal) {
    return switch (to.stage()) {
      case FailedOver ->
          signal.draining()
              ? "RegionDraining"
              : from.stage() == TrafficStage.HeldOut
                  ? "HoldReleased"
                  : signal.overloaded() ? "SloBurningAtMaxReplicas" : "RegionDown";
      case HeldOut -> "FlapLimitReached";
      case Recovering -> "RegionServing";
      case FailingBack -> "FailbackStep";
      case Active -> from.stage() == TrafficStage.FailingBack ? "FailbackComplete" : "RegionActive";
      case Starting -> "RegionStarting";
    };
  }
}
