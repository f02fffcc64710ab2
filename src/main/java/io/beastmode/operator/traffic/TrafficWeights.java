package io.beastmode.operator.traffic;

import io.beastmode.api.v1alpha1.FailoverMode;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns each region's configured weight or priority, and the part of it its failover stage allows,
 * into whole-percent traffic weights. Whenever any region takes traffic the weights sum to exactly
 * 100; a region whose fraction is 0 always gets 0. Pure.
 */
public final class TrafficWeights {

  /**
   * @param region region name
   * @param weight configured relative weight (activeActive), 0 to 100
   * @param priority configured priority (activePassive), lowest first
   * @param fraction part of its share the region's stage allows, 0 to 1
   */
  public record Share(String region, int weight, int priority, double fraction) {}

  private TrafficWeights() {}

  /** Weights in the order of {@code shares}. */
  public static Map<String, Integer> compute(FailoverMode mode, List<Share> shares) {
    var usable = shares.stream().filter(s -> s.fraction() > 0).toList();
    Map<String, Double> exact = new LinkedHashMap<>();
    shares.forEach(s -> exact.put(s.region(), 0.0));
    if (!usable.isEmpty()) {
      (mode == FailoverMode.activePassive ? byPriority(usable) : byWeight(usable))
          .forEach(exact::put);
    }
    return round(exact);
  }

  /**
   * A region failing back takes its fraction of the share it would have at full weight; regions at
   * full weight split what is left in proportion to their weights.
   */
  private static Map<String, Double> byWeight(List<Share> usable) {
    double total = usable.stream().mapToDouble(TrafficWeights::effectiveWeight).sum();
    Map<String, Double> result = new LinkedHashMap<>();
    double partial = 0;
    for (var share : usable) {
      if (share.fraction() < 1) {
        double part = 100.0 * effectiveWeight(share) / total * share.fraction();
        result.put(share.region(), part);
        partial += part;
      }
    }
    var full = usable.stream().filter(s -> s.fraction() >= 1).toList();
    double fullTotal = full.stream().mapToDouble(TrafficWeights::effectiveWeight).sum();
    if (full.isEmpty()) {
      // Every usable region is still failing back: they share everything in proportion.
      double partialTotal = partial;
      result.replaceAll((region, part) -> 100.0 * part / partialTotal);
      return result;
    }
    for (var share : full) {
      result.put(share.region(), (100.0 - partial) * effectiveWeight(share) / fullTotal);
    }
    return result;
  }

  /** In priority order, each region takes its fraction of what the ones before it left. */
  private static Map<String, Double> byPriority(List<Share> usable) {
    var ordered =
        usable.stream()
            .sorted(Comparator.comparingInt(Share::priority).thenComparing(Share::region))
            .toList();
    Map<String, Double> result = new LinkedHashMap<>();
    double left = 100.0;
    for (var share : ordered) {
      double take = left * Math.min(1.0, share.fraction());
      result.put(share.region(), take);
      left -= take;
    }
    if (left > 0) {
      // Only regions failing back remain: the first in priority takes the rest.
      result.merge(ordered.get(0).region(), left, Double::sum);
    }
    return result;
  }

  /** Weight 0 on every usable region would leave nothing to split: they count equally then. */
  private static double effectiveWeight(Share share) {
    return share.weight() > 0 ? share.weight() : 1e-9;
  }

  /** Largest-remainder rounding: whole percents that keep the exact sum, and 0 stays 0. */
  private static Map<String, Integer> round(Map<String, Double> exact) {
    Map<String, Integer> result = new LinkedHashMap<>();
    exact.forEach((region, value) -> result.put(region, (int) Math.floor(value)));
    int missing =
        (int) Math.round(exact.values().stream().mapToDouble(Double::doubleValue).sum())
            - result.values().stream().mapToInt(Integer::intValue).sum();
    exact.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(
            Comparator.comparingDouble(
                    (Map.Entry<String, Double> e) -> e.getValue() - Math.floor(e.getValue()))
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .limit(Math.max(0, missing))
        .forEach(e -> result.merge(e.getKey(), 1, Integer::sum));
    return result;
  }
}
