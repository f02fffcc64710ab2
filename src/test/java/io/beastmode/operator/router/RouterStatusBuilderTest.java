package io.beastmode.operator.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.api.v1alpha1.RegionStatus;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.resolved.ExampleRouters;
import io.beastmode.operator.resolved.RegionOutcome;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterStatusBuilderTest {
  static final RouterStatusBuilder BUILDER =
      new RouterStatusBuilder(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));

  @Test
  void readyWhenEveryRegionRunsAllItsReplicasOfTheCurrentGeneration() {
    var example = ExampleRouters.load();
    healthy(example, "eu-west");
    healthy(example, "us-east");
    healthy(example, "ap-south");
    var status =
        BUILDER.resolved(
            example.routers.get(0),
            List.of(
                new RegionOutcome(
                    example.region("eu-west"),
                    true,
                    deployment(2, 2, 1),
                    "hash-eu",
                    "traffic",
                    null,
                    "HorizontalPodAutoscaler",
                    null),
                new RegionOutcome(
                    example.region("us-east"),
                    true,
                    deployment(2, 2, 1),
                    "hash-us",
                    "traffic",
                    null,
                    "HorizontalPodAutoscaler",
                    null),
                new RegionOutcome(
                    example.region("ap-south"),
                    true,
                    deployment(2, 2, 1),
                    "hash-ap",
                    "traffic",
                    null,
                    "HorizontalPodAutoscaler",
                    null)),
            example.traffic(),
            java.util.Map.of(),
            null);
    assertThat(Conditions.isTrue(status, Conditions.READY)).isTrue();
    assertThat(status.readyRegions).isEqualTo("3/3");
    assertThat(status.regions).extracting(r -> r.trafficWeight).containsExactly(50, 30, 20);
    assertThat(status.observedGeneration).isEqualTo(1);
  }

  @Test
  void aRolloutInProgressIsNotReady() {
    var example = ExampleRouters.load();
    var status =
        BUILDER.resolved(
            example.routers.get(0),
            List.of(
                new RegionOutcome(
                    example.region("eu-west"),
                    true,
                    deployment(2, 2, 0),
                    "hash",
                    "traffic",
                    null,
                    "HorizontalPodAutoscaler",
                    null)),
            example.traffic(),
            java.util.Map.of(),
            null);
    assertThat(Conditions.isTrue(status, Conditions.READY)).isFalse();
    assertThat(Conditions.find(status, Conditions.READY).orElseThrow().message)
        .contains("eu-west (2/2 ready)");
  }

  @Test
  void anUnreachableRegionKeepsItsLastKnownStateAndTakesNoTraffic() {
    var example = ExampleRouters.load();
    var before =
        BUILDER.resolved(
            example.routers.get(0),
            List.of(
                new RegionOutcome(
                    example.region("us-east"),
                    true,
                    deployment(3, 3, 1),
                    "hash-us",
                    "traffic",
                    null,
                    "HorizontalPodAutoscaler",
                    null)),
            example.traffic(),
            java.util.Map.of(),
            null);
    example.routers.get(0).setStatus(before);
    example.region("us-east").setStatus(new RegionStatus());
    example.region("us-east").getStatus().phase = RegionPhase.Unreachable;

    var after =
        BUILDER.resolved(
            example.routers.get(0),
            List.of(RegionOutcome.unreachable(example.region("us-east"))),
            example.traffic(),
            java.util.Map.of(),
            null);
    var region = after.regions.get(0);
    assertThat(region.health).isEqualTo(RegionPhase.Unreachable);
    assertThat(region.trafficWeight).isZero();
    assertThat(region.readyReplicas).isEqualTo(3);
    assertThat(region.configHash).isEqualTo("hash-us");
    assertThat(Conditions.find(after, Conditions.READY).orElseThrow().status)
        .isEqualTo(ConditionStatus.False);
  }

  private static void healthy(ExampleRouters example, String region) {
    example.region(region).setStatus(new RegionStatus());
    example.region(region).getStatus().phase = RegionPhase.Healthy;
  }

  /** A Deployment of generation 1 as the API server returns it after apply. */
  private static Deployment deployment(int desired, int ready, long observedGeneration) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("assistant")
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(desired)
        .endSpec()
        .withNewStatus()
        .withReadyReplicas(ready)
        .withUpdatedReplicas(ready)
        .withObservedGeneration(observedGeneration)
        .endStatus()
        .build();
  }
}
