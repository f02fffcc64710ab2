package io.beastmode.operator.traffic;

import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.beastmode.operator.slo.SloActionsInForce;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads one router's regions and status into the failover engine and returns its decision. */
public final class RouterTraffic {

  private RouterTraffic() {}

  /**
   * @param previous the router's status, null before the first reconcile
   * @param released regions an operator asked to release from a flap hold
   * @param slo what the SLO actions in force ask for
   * @param predicted per region, the minimum replicas predictive scaling asks for
   */
  public static TrafficDecision decide(
      ResolvedRouter inputs,
      LLMRouterStatus previous,
      Set<String> released,
      SloActionsInForce slo,
      Map<String, Integer> predicted,
      Instant now) {
    var regions =
        inputs.regions().stream()
            .map(
                region -> {
                  String name = region.getMetadata().getName();
                  var last = LLMRouterStatus.region(previous, name);
                  int max = maxReplicas(inputs, region);
                  boolean shedding = slo.shiftTraffic().contains(name);
                  boolean overloaded =
                      shedding
                          && last.map(r -> r.desiredReplicas != null && r.desiredReplicas >= max)
                              .orElse(false);
                  var signal =
                      new RegionSignal(
                          serving(region) && !overloaded,
                          region.getSpec().draining,
                          capacityReady(last),
                          released.contains(name),
                          shedding,
                          overloaded);
                  return new FailoverPlan.Region(
                      name,
                      signal,
                      last.map(TrafficStatus::read).orElse(null),
                      region.getSpec().traffic.weight,
                      region.getSpec().traffic.priority,
                      floor(inputs, region),
                      max);
                })
            .toList();
    var plan = FailoverPlan.decide(regions, inputs.router().getSpec().failover, now);
    return raiseFloors(plan, regions, slo, predicted);
  }

  /**
   * ScaleUp and forecasts raise a region's floor after the plan: they are about that region's own
   * load, so they must not grow the fleet-wide floor the plan shares out by weight.
   */
  private static TrafficDecision raiseFloors(
      TrafficDecision plan,
      List<FailoverPlan.Region> regions,
      SloActionsInForce slo,
      Map<String, Integer> predicted) {
    var floors = new LinkedHashMap<>(plan.floors());
    for (var region : regions) {
      int raised =
          Math.max(
              slo.minReplicas().getOrDefault(region.name(), 0),
              predicted.getOrDefault(region.name(), 0));
      floors.merge(region.name(), Math.min(raised, region.maxReplicas()), Math::max);
    }
    return new TrafficDecision(
        plan.states(), plan.weights(), floors, plan.frozen(), plan.changes());
  }

  /**
   * Replicas a region runs at its normal share: the placement's, at least the autoscaler's minimum.
   */
  public static int floor(ResolvedRouter inputs, Region region) {
    var autoscaling = inputs.router().getSpec().autoscaling;
    int placed = inputs.placement(region.getMetadata().getName()).replicas;
    int floor = autoscaling.enabled ? Math.max(autoscaling.minReplicas, placed) : placed;
    return Math.min(floor, maxReplicas(inputs, region));
  }

  public static int maxReplicas(ResolvedRouter inputs, Region region) {
    var autoscaling = inputs.router().getSpec().autoscaling;
    int regionMax = region.getSpec().capacity.maxRouterReplicas;
    return autoscaling.enabled ? Math.min(autoscaling.maxReplicas, regionMax) : regionMax;
  }

  /**
   * A region not probed yet counts as serving: a new router's regions go active once their routers
   * are ready.
   */
  static boolean serving(Region region) {
    var status = region.getStatus();
    if (status == null
        || status.phase == null
        || status.phase == RegionPhase.Unknown && status.serving == null) {
      return true;
    }
    return status.serves();
  }

  /**
   * The region's routers were ready in numbers at the last reconcile: at least one, and as many as
   * it was last asked for. A start and each failback step wait for it.
   */
  public static boolean capacityReady(Optional<RouterRegionStatus> last) {
    return last.map(
            r ->
                r.readyReplicas != null
                    && r.readyReplicas >= Math.max(1, r.minReplicas == null ? 1 : r.minReplicas))
        .orElse(false);
  }
}
