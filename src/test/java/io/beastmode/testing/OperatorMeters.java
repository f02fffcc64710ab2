package io.beastmode.testing;

import io.beastmode.operator.region.RegionRecorderExercise;
import io.beastmode.operator.router.RouterRecordersExercise;
import io.beastmode.operator.slo.SloRecorderExercise;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every meter the operator registers, made to exist by running the controllers' own recorders
 * against {@code registry}. The Events they write go to an API server that is not there, which the
 * recorders only log.
 */
public final class OperatorMeters {
  private OperatorMeters() {}

  public static void record(MeterRegistry registry) {
    var config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:1")
            .withRequestRetryBackoffLimit(0)
            .build();
    try (var hub = new KubernetesClientBuilder().withConfig(config).build()) {
      RegionRecorderExercise.run(registry);
      RouterRecordersExercise.run(registry, hub);
      SloRecorderExercise.run(registry, hub);
    }
  }
}
