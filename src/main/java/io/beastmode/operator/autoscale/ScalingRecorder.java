package io.beastmode.operator.autoscale;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.operator.Events;
import io.beastmode.operator.OperatorMeters;
import io.beastmode.operator.RouterKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes autoscaling visible: whenever a region's autoscaler changes its replicas (or scales at a
 * new time), an Event on the LLMRouter and a count in {@code beastmode_autoscaling_events_total};
 * the replicas it runs and wants in {@code beastmode_router_replicas}.
 */
public final class ScalingRecorder {
  private static final List<String> DIRECTIONS = List.of("up", "down", "same");

  private final Events events;
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();

  public ScalingRecorder(KubernetesClient hub, MeterRegistry registry, Clock clock) {
    this.events = new Events(hub, clock);
    this.registry = registry;
  }

  public void record(LLMRouter router, LLMRouterStatus previous, LLMRouterStatus next) {
    String owner = RouterKey.of(router).toString();
    for (var region : next.regions) {
      if (region.autoscaler == null) {
        continue;
      }
      // At zero from the start, so increase() counts a region's first scaling too.
      for (String direction : DIRECTIONS) {
        OperatorMeters.AUTOSCALING_EVENTS.counter(registry, owner, region.name, direction);
      }
      gauge(owner, region.name, "current")
          .set(region.currentReplicas == null ? 0 : region.currentReplicas);
      gauge(owner, region.name, "desired")
          .set(region.desiredReplicas == null ? 0 : region.desiredReplicas);
      var last = LLMRouterStatus.region(previous, region.name).orElse(null);
      if (last == null || !scaled(last, region)) {
        continue;
      }
      int from = last.desiredReplicas == null ? 0 : last.desiredReplicas;
      int to = region.desiredReplicas == null ? 0 : region.desiredReplicas;
      String direction = to > from ? "up" : to < from ? "down" : "same";
      OperatorMeters.AUTOSCALING_EVENTS
          .counter(registry, owner, region.name, direction)
          .increment();
      events.normal(
          router,
          "Scaled",
          String.format(
              "region %s: %s scaled routers %d -> %d (%sminimum %s)",
              region.name,
              region.autoscaler,
              from,
              to,
              region.currentReplicas == null ? "" : "running " + region.currentReplicas + ", ",
              region.minReplicas));
    }
  }

  /** A new scale time, or new desired replicas: the autoscaler acted since the last reconcile. */
  private static boolean scaled(RouterRegionStatus last, RouterRegionStatus now) {
    return now.lastScaleTime != null && !Objects.equals(last.lastScaleTime, now.lastScaleTime)
        || last.desiredReplicas != null
            && now.desiredReplicas != null
            && !last.desiredReplicas.equals(now.desiredReplicas);
  }

  private AtomicInteger gauge(String router, String region, String kind) {
    return gauges.computeIfAbsent(
        router + "|" + region + "|" + kind,
        key ->
            OperatorMeters.ROUTER_REPLICAS.gauge(
                registry, new AtomicInteger(), AtomicInteger::get, router, region, kind));
  }
}
