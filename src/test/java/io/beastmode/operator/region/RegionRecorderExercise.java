package io.beastmode.operator.region;

import io.beastmode.api.v1alpha1.RegionPhase;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Runs the Region controller's recorder once, so every meter it registers exists in {@code
 * registry}.
 */
public final class RegionRecorderExercise {
  private RegionRecorderExercise() {}

  public static void run(MeterRegistry registry) {
    new RegionRecorder(registry).record("dashboards-test", RegionPhase.Healthy, true);
  }
}
