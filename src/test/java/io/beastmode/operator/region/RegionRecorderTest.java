package io.beastmode.operator.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.operator.CatalogueOnly;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RegionRecorderTest {

  @Test
  void servingAndThePhaseFollowTheLastProbe() {
    var registry = new SimpleMeterRegistry();
    var recorder = new RegionRecorder(registry);

    recorder.record("eu-west", RegionPhase.Healthy, true);
    recorder.record("eu-west", RegionPhase.Unreachable, false);

    assertThat(registry.get("beastmode.region.serving").tag("region", "eu-west").gauge().value())
        .isZero();
    assertThat(
            registry
                .get("beastmode.region.phase")
                .tag("region", "eu-west")
                .tag("phase", "Unreachable")
                .gauge()
                .value())
        .isEqualTo(1);
    assertThat(
            registry
                .get("beastmode.region.phase")
                .tag("region", "eu-west")
                .tag("phase", "Healthy")
                .gauge()
                .value())
        .as("a phase that ended drops to 0")
        .isZero();
    assertThat(registry.get("beastmode.region.phase").tag("region", "eu-west").gauges())
        .hasSize(RegionPhase.values().length);
  }

  @Test
  void itRegistersOnlyCatalogueMeters() {
    var registry = new SimpleMeterRegistry();
    new RegionRecorder(registry).record("eu-west", RegionPhase.Healthy, true);

    CatalogueOnly.assertDeclared(registry);
  }
}
