package io.beastmode.operator.router;

import static io.beastmode.testing.Fixtures.memberRegion;
import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.ProbeSignal;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which regions a router's reconcile waits for before it reports them pending. */
class RegionWaitTest {
  private static Region probed(int consecutiveFailures, ProbeSignal... signals) {
    var region = memberRegion("east", 1, "system", "east-kubeconfig");
    region.setStatus(new RegionStatus());
    region.getStatus().consecutiveFailures = consecutiveFailures;
    region.getStatus().signals = List.of(signals);
    return region;
  }

  private static ProbeSignal signal(String name, ConditionStatus status) {
    return new ProbeSignal(name, status, "");
  }

  @Test
  void aRegionNotYetProbedOrWhoseApiServerAnsweredIsWaitedFor() {
    assertThat(RouterRegions.waitsFor(memberRegion("east", 1, "system", "east-kubeconfig")))
        .isTrue();
    assertThat(RouterRegions.waitsFor(probed(0, signal(ProbeSignal.API, ConditionStatus.True))))
        .isTrue();
    // Failing probes for want of routers (a region being restored, routers starting): its API
    // server answers, and a reconcile that did not wait for it would never see it written.
    assertThat(
            RouterRegions.waitsFor(
                probed(
                    4,
                    signal(ProbeSignal.API, ConditionStatus.True),
                    signal("routers", ConditionStatus.False))))
        .isTrue();
  }

  @Test
  void aRegionWhoseApiServerDidNotAnswerTheLastProbeIsNotWaitedFor() {
    // Not yet unreachable (one failure is below the threshold), but a reconcile that waited for a
    // hung API server would hold up the failover of every other region.
    assertThat(
            RouterRegions.waitsFor(
                probed(
                    1,
                    signal(ProbeSignal.API, ConditionStatus.False),
                    signal("routers", ConditionStatus.Unknown))))
        .isFalse();
  }
}
