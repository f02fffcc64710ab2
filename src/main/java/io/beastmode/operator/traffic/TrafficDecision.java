package io.beastmode.operator.traffic;

import io.beastmode.api.v1alpha1.TrafficStage;
import java.util.List;
import java.util.Map;

/**
 * Where one router's traffic goes: the failover engine's decision for every region.
 *
 * @param states next state per region
 * @param weights traffic weight per region; sum to 100 whenever any region takes traffic
 * @param floors replicas each region must run
 * @param frozen why traffic is frozen, or null when it is not
 * @param changes regions whose stage changed
 */
public record TrafficDecision(
    Map<String, RegionTrafficState> states,
    Map<String, Integer> weights,
    Map<String, Integer> floors,
    String frozen,
    List<Change> changes) {

  /** A region whose stage changed, and why. */
  public record Change(String region, TrafficStage from, TrafficStage to, String reason) {}
}
