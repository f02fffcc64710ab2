package io.beastmode.operator.region;

import io.beastmode.api.v1alpha1.RegionPhase;
import io.micrometer.core.instrument.Gauge;
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
    gauge(
            "beastmode.region.serving",
            "Whether the Region takes traffic (1) or not (0)",
            region,
            null)
        .set(serving ? 1 : 0);
    for (RegionPhase each : RegionPhase.values()) {
      gauge(
              "beastmode.region.phase",
              "The Region's phase as the hub sees it: 1 for the current one",
              region,
              each)
          .set(each == phase ? 1 : 0);
    }
  }

  private AtomicInteger gauge(String metric, String description, String region, RegionPhase phase) {
    return gauges.computeIfAbsent(
        metric + "|" + region + "|" + phase,
        key -> {
          var value = new AtomicInteger();
          var builder =
              Gauge.builder(metric, value, AtomicInteger::get)
                  .description(description)
                  .tag("region", region);
          if (phase != null) {
            builder.tag("phase", phase.name());
          }
          builder.register(registry);
          return value;
        });
  }
}
