package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.operator.CatalogueOnly;
import io.beastmode.operator.autoscale.ScalingRecorder;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.beastmode.operator.resolved.ExampleRouters;
import io.beastmode.operator.resolved.RegionOutcome;
import io.beastmode.operator.traffic.FailoverRecorder;
import io.beastmode.operator.traffic.TrafficDecision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterRecordersTest {

  /** Through one failover (weights move, routers converge) and one scale-up. */
  @Test
  void theRouterRecordersRegisterOnlyCatalogueMeters() {
    var registry = new SimpleMeterRegistry();
    var example = ExampleRouters.load();
    var inputs = example.resolved();
    Instant now = Instant.parse("2026-11-21T10:00:00Z");

    var previous = new LLMRouterStatus();
    previous.regions.add(region("eu-west", 60, 2));
    previous.regions.add(region("us-east", 40, 2));
    var traffic =
        new TrafficDecision(
            Map.of(),
            Map.of("eu-west", 100, "us-east", 0),
            Map.of(),
            null,
            List.of(
                new TrafficDecision.Change(
                    "us-east", TrafficStage.Active, TrafficStage.FailedOver, "RegionDown")));
    // Unreachable regions are not waited for, so the failover converges in the same call.
    var outcomes = inputs.regions().stream().map(RegionOutcome::unreachable).toList();
    try (var hub = CatalogueOnly.absentHub()) {
      new FailoverRecorder(
              hub, new RouterHeartbeats(null), registry, Clock.fixed(now, ZoneOffset.UTC))
          .record(inputs, previous, traffic, outcomes, now);
      var next = new LLMRouterStatus();
      next.regions.add(region("eu-west", 100, 4));
      new ScalingRecorder(hub, registry, Clock.systemUTC()).record(inputs.router(), previous, next);
    }

    CatalogueOnly.assertDeclared(registry);
  }

  private static RouterRegionStatus region(String name, int weight, int desired) {
    var region = new RouterRegionStatus();
    region.name = name;
    region.trafficWeight = weight;
    region.autoscaler = "HorizontalPodAutoscaler";
    region.currentReplicas = 2;
    region.desiredReplicas = desired;
    return region;
  }
}
