package io.beastmode.operator.router;

import static io.beastmode.testing.Fixtures.memberRegion;
import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.api.v1alpha1.RegionStatus;
import org.junit.jupiter.api.Test;

/** Which regions a router's reconcile waits for before it reports them pending. */
class RegionWaitTest {
  private static Region probed(RegionPhase phase, int consecutiveFailures) {
    var region = memberRegion("east", 1, "system", "east-kubeconfig");
    region.setStatus(new RegionStatus());
    region.getStatus().phase = phase;
    region.getStatus().consecutiveFailures = consecutiveFailures;
    return region;
  }

  @Test
  void aRegionNotYetProbedOrAnsweringItsProbesIsWaitedFor() {
    assertThat(RouterRegions.waitsFor(memberRegion("east", 1, "system", "east-kubeconfig")))
        .isTrue();
    assertThat(RouterRegions.waitsFor(probed(RegionPhase.Healthy, 0))).isTrue();
  }

  @Test
  void aRegionWhoseLastProbeFailedIsNotWaitedForWhileStillReachable() {
    // Still Healthy (one failure is not yet enough to call it lost), but a reconcile that waited
    // for its hung API server would hold up the failover of every other region.
    assertThat(RouterRegions.waitsFor(probed(RegionPhase.Healthy, 1))).isFalse();
    assertThat(RouterRegions.waitsFor(probed(RegionPhase.Degraded, 2))).isFalse();
  }
}
