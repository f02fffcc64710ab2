package io.beastmode.operator.region;

import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.operator.OperatorMeters;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes region health visible as metrics: {@code beastmode_region_serving} (1 while the Region
 * takes traffic) and {@code beastmode_region_phase} (1 for its current phase, 0 for the others, so
 * a phase that ended drops to 0 rather than vanishing).
 */
final class RegionRecorder {
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();

  RegionRecorder(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(String region, RegionPhase phase, boolean serving) {
    gauge(OperatorMeters.REGION_SERVING, region).set(serving ? 1 : 0);
    for (RegionPhase each : RegionPhase.values()) {
      gauge(OperatorMeters.REGION_PHASE, region, each.name()).set(each == phase ? 1 : 0);
    }
  }

  private AtomicInteger gauge(OperatorMeters.Declared meter, String... tagValues) {
    return gauges.computeIfAbsent(
        meter.name() + "|" + String.join("|", tagValues),
        key -> meter.gauge(registry, new AtomicInteger(), AtomicInteger::get, tagValues));
  }
}
