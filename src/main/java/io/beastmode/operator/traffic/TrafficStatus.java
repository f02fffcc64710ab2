package io.beastmode.operator.traffic;

import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.operator.Timestamps;
import java.time.Instant;

/** Reads a region's failover state from its status entry and writes it back. */
public final class TrafficStatus {

  private TrafficStatus() {}

  /** The state recorded in {@code status}, or null when none was recorded yet. */
  public static RegionTrafficState read(RouterRegionStatus status) {
    if (status == null || status.trafficStage == null || status.stageSince == null) {
      return null;
    }
    var failovers =
        status.failovers == null
            ? java.util.List.<Instant>of()
            : status.failovers.stream().map(Instant::parse).toList();
    return new RegionTrafficState(
        status.trafficStage,
        Instant.parse(status.stageSince),
        status.shiftStep == null ? 0 : status.shiftStep,
        failovers);
  }

  public static void write(RegionTrafficState state, RouterRegionStatus status) {
    status.trafficStage = state.stage();
    status.stageSince = Timestamps.format(state.since());
    status.shiftStep =
        state.stage() == io.beastmode.api.v1alpha1.TrafficStage.FailingBack ? state.step() : null;
    status.failovers = state.failovers().stream().map(Timestamps::format).toList();
  }
}
