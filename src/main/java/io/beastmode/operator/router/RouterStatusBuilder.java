package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.Condition;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.FailoverRecord;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.autoscale.PredictiveScaling.Prediction;
import io.beastmode.operator.resolved.RegionOutcome;
import io.beastmode.operator.resolved.ResolvedRouter.Unresolved;
import io.beastmode.operator.traffic.TrafficDecision;
import io.beastmode.operator.traffic.TrafficStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds an LLMRouter's status from what reconciling each region came to. */
public final class RouterStatusBuilder {
  public static final String TRAFFIC_FROZEN = "TrafficFrozen";
  private final Conditions conditions;

  public RouterStatusBuilder(Clock clock) {
    this.conditions = new Conditions(clock);
  }

  /** A reference cannot be resolved: Ready=False naming it; the last per-region state stays. */
  public LLMRouterStatus unresolved(LLMRouter router, Unresolved unresolved) {
    var previous = router.getStatus();
    var status = start(router);
    if (previous != null) {
      status.regions = previous.regions;
      status.readyRegions = previous.readyRegions;
      status.lastFailover = previous.lastFailover;
      status.policyInForce = previous.policyInForce;
    }
    conditions.set(
        status,
        previous,
        generation(router),
        Conditions.ready(ConditionStatus.False, unresolved.reason(), unresolved.message()));
    return status;
  }

  public LLMRouterStatus resolved(
      LLMRouter router,
      List<RegionOutcome> outcomes,
      TrafficDecision traffic,
      Map<String, Prediction> forecasts,
      FailoverRecord lastFailover) {
    var previous = router.getStatus();
    var status = start(router);
    status.lastFailover = lastFailover;
    var notReady = new ArrayList<String>();
    for (var outcome : outcomes) {
      var region = regionStatus(outcome, previous, traffic);
      scaling(region, outcome, forecasts.get(outcome.name()));
      status.regions.add(region);
      if (!ready(outcome)) {
        notReady.add(outcome.name() + " (" + describe(outcome, region) + ")");
      }
    }
    status.readyRegions = (outcomes.size() - notReady.size()) + "/" + outcomes.size();
    var ready =
        notReady.isEmpty()
            ? Conditions.ready(
                ConditionStatus.True,
                "AllRegionsReady",
                "routers ready in " + outcomes.size() + " region(s)")
            : Conditions.ready(
                ConditionStatus.False,
                "RegionsNotReady",
                "not ready: " + String.join(", ", notReady));
    conditions.set(status, previous, generation(router), ready);
    conditions.set(
        status,
        previous,
        generation(router),
        traffic.frozen() != null
            ? new Condition(
                TRAFFIC_FROZEN, ConditionStatus.True, "MostRegionsDown", traffic.frozen())
            : new Condition(
                TRAFFIC_FROZEN,
                ConditionStatus.False,
                "FollowingHealth",
                "traffic weights follow region health"));
    return status;
  }

  private static LLMRouterStatus start(LLMRouter router) {
    var status = new LLMRouterStatus();
    status.observedGeneration = generation(router);
    return status;
  }

  private static long generation(LLMRouter router) {
    Long generation = router.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  private static RouterRegionStatus regionStatus(
      RegionOutcome outcome, LLMRouterStatus previous, TrafficDecision traffic) {
    var region = new RouterRegionStatus();
    region.name = outcome.name();
    region.health = health(outcome.region());
    region.trafficWeight = traffic.weights().get(region.name);
    region.minReplicas = traffic.floors().get(region.name);
    TrafficStatus.write(traffic.states().get(region.name), region);
    var deployment = outcome.deployment();
    if (deployment != null) {
      region.desiredReplicas = deployment.getSpec().getReplicas();
      region.readyReplicas =
          deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null
              ? 0
              : deployment.getStatus().getReadyReplicas();
      region.configHash = outcome.configHash();
      region.trafficHash = outcome.trafficHash();
    } else {
      // Unreachable: show what the region last reported rather than nothing.
      LLMRouterStatus.region(previous, region.name)
          .ifPresent(
              last -> {
                region.desiredReplicas = last.desiredReplicas;
                region.readyReplicas = last.readyReplicas;
                region.configHash = last.configHash;
                region.trafficHash = last.trafficHash;
                region.autoscaler = last.autoscaler;
                region.currentReplicas = last.currentReplicas;
                region.lastScaleTime = last.lastScaleTime;
              });
    }
    return region;
  }

  /** What the autoscaler saw and did, and what the forecast asked for. */
  private static void scaling(
      RouterRegionStatus region, RegionOutcome outcome, Prediction forecast) {
    if (outcome.deployment() != null) {
      region.autoscaler = outcome.autoscaler();
    }
    var scaling = outcome.scaling();
    // Until the HPA controller has processed the HPA its status holds zeros, not observations.
    if (scaling != null && scaling.getObservedGeneration() != null) {
      region.currentReplicas = scaling.getCurrentReplicas();
      region.lastScaleTime = scaling.getLastScaleTime();
      if (scaling.getDesiredReplicas() != null) {
        region.desiredReplicas = scaling.getDesiredReplicas();
      }
    }
    if (forecast != null) {
      region.forecastRequestsPerSecond =
          Math.round(forecast.forecastRequestsPerSecond() * 1000) / 1000.0;
      region.forecastLeadSeconds = forecast.leadSeconds();
      region.predictiveMinReplicas = forecast.minReplicas();
    }
  }

  private static boolean ready(RegionOutcome outcome) {
    var deployment = outcome.deployment();
    if (!outcome.reachable() || deployment == null || deployment.getStatus() == null) {
      return false;
    }
    var status = deployment.getStatus();
    int desired =
        deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    int ready = status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    int updated = status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
    boolean current =
        status.getObservedGeneration() != null
            && status.getObservedGeneration() >= deployment.getMetadata().getGeneration();
    return current && ready >= desired && updated >= desired;
  }

  private static String describe(RegionOutcome outcome, RouterRegionStatus region) {
    if (outcome.failure() != null) {
      return outcome.failure();
    }
    return (region.readyReplicas == null ? 0 : region.readyReplicas)
        + "/"
        + (region.desiredReplicas == null ? "?" : region.desiredReplicas)
        + " ready";
  }

  private static RegionPhase health(Region region) {
    return region.getStatus() == null || region.getStatus().phase == null
        ? RegionPhase.Unknown
        : region.getStatus().phase;
  }
}
