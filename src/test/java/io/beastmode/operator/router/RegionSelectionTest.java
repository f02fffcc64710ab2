package io.beastmode.operator.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.RouterSelectionStatus;
import io.beastmode.testing.Fixtures;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.LatencyHistogram;
import io.beastmode.wire.SelectionSummary;
import io.beastmode.wire.SelectionSummary.Bounds;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionSelectionTest {

  @Test
  void aRegionShowsItsRouterWithMostOutcomesAndTheExplorationOfAll() {
    var status =
        RegionSelection.of(
            List.of(
                beat("pod-0", summary("blend", 40, 300, 10, 4)),
                beat("pod-1", summary("length", 120, 500, 30, 14)),
                beat("pod-2", summary("length", 90, 200, 8, 3)),
                beat("pod-3", null)));

    assertThat(status.policy).as("pod-1 rests on the most outcomes").isEqualTo("length");
    assertThat(status.outcomes).isEqualTo(120);
    assertThat(status.switches).isEqualTo(1);
    assertThat(status.since).isEqualTo("2026-11-30T00:53:20Z");
    assertThat(status.pgr.estimate).isEqualTo(0.62);
    assertThat(status.pgr.low).isEqualTo(0.5);
    assertThat(status.pgr.high).isEqualTo(0.71);
    assertThat(status.strongShare.estimate).isEqualTo(0.3);
    assertThat(status.explorationShare).isEqualTo(0.05);
    assertThat(status.decisions).as("every router's decisions").isEqualTo(1000);
    assertThat(status.explored).isEqualTo(48);
    assertThat(status.exploredOffPolicy).isEqualTo(21);
    assertThat(status.policies)
        .extracting(p -> p.policy + "=" + p.replicas)
        .containsExactly("length=2", "blend=1");
  }

  @Test
  void aTieOnOutcomesGoesToTheRouterWithMoreDecisionsThenToTheFirstPod() {
    assertThat(
            RegionSelection.of(
                    List.of(
                        beat("pod-0", summary("blend", 50, 100, 0, 0)),
                        beat("pod-1", summary("length", 50, 101, 0, 0))))
                .policy)
        .isEqualTo("length");
    assertThat(
            RegionSelection.of(
                    List.of(
                        beat("pod-1", summary("length", 50, 100, 0, 0)),
                        beat("pod-0", summary("blend", 50, 100, 0, 0))))
                .policy)
        .isEqualTo("blend");
  }

  @Test
  void noRouterReportingASelectionShowsNone() {
    assertThat(RegionSelection.of(List.of())).isNull();
    assertThat(RegionSelection.of(List.of(beat("pod-0", null)))).isNull();
  }

  @Test
  void anUnknownPgrIsLeftOut() {
    var unknown =
        new SelectionSummary("blend", Fixtures.SELECTION_SINCE, 0, null, null, 0, 0, 0, 0, 0.05);
    var status = RegionSelection.of(List.of(beat("pod-0", unknown)));
    assertThat(status.pgr).isNull();
    assertThat(status.strongShare).isNull();
    assertThat(status.outcomes).isZero();
  }

  @Test
  void theColumnNamesOnePolicyOrEachWithItsRegions() {
    assertThat(RegionSelection.inForce(List.of(region("hub", null)))).isNull();
    assertThat(RegionSelection.inForce(List.of(region("hub", "length"), region("eu", "length"))))
        .isEqualTo("length");
    assertThat(
            RegionSelection.inForce(
                List.of(
                    region("us", "length"),
                    region("eu", "blend"),
                    region("hub", "length"),
                    region("ap", null))))
        .isEqualTo("blend (eu), length (hub, us)");
  }

  private static RouterRegionStatus region(String name, String policy) {
    var region = new RouterRegionStatus();
    region.name = name;
    if (policy != null) {
      region.selection = new RouterSelectionStatus();
      region.selection.policy = policy;
    }
    return region;
  }

  private static SelectionSummary summary(
      String inForce, long outcomes, long decisions, long explored, long offPolicy) {
    return Fixtures.selection(
        inForce, 1, outcomes, Bounds.of(0.62, 0.5, 0.71), decisions, explored, offPolicy);
  }

  private static Heartbeat beat(String pod, SelectionSummary selection) {
    return new Heartbeat(
        "team-a/assistant",
        "hub",
        pod,
        "v1",
        "t1",
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        LatencyHistogram.BOUNDS_MS,
        new long[LatencyHistogram.BOUNDS_MS.length + 1],
        0,
        selection);
  }
}
