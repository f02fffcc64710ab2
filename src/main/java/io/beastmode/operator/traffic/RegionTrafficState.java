package io.beastmode.operator.traffic;

import io.beastmode.api.v1alpha1.TrafficStage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One region's place in failover, as kept in the LLMRouter's status so a restarted hub resumes
 * where it was.
 *
 * @param stage where the region stands
 * @param since when it entered the stage (or its current failback step)
 * @param step index into shiftSteps while failing back, else 0
 * @param failovers when the region was failed over within the last hour, oldest first
 */
public record RegionTrafficState(
    TrafficStage stage, Instant since, int step, List<Instant> failovers) {
  static final Duration FLAP_WINDOW = Duration.ofHours(1);

  public RegionTrafficState {
    failovers = List.copyOf(failovers);
  }

  public static RegionTrafficState active(Instant since) {
    return new RegionTrafficState(TrafficStage.Active, since, 0, List.of());
  }

  /**
   * On its way to its full share (starting, recovering or failing back): sized for that share
   * already.
   */
  public boolean comingBack() {
    return stage == TrafficStage.Starting
        || stage == TrafficStage.Recovering
        || stage == TrafficStage.FailingBack;
  }

  /** Whether the region takes any traffic in this stage. */
  public boolean takesTraffic() {
    return stage == TrafficStage.Active || stage == TrafficStage.FailingBack;
  }

  RegionTrafficState enter(TrafficStage next, Instant now) {
    return new RegionTrafficState(next, now, 0, failovers);
  }

  /** Failovers still inside the flap window at {@code now}. */
  List<Instant> recentFailovers(Instant now) {
    return failovers.stream().filter(t -> t.isAfter(now.minus(FLAP_WINDOW))).toList();
  }
}
