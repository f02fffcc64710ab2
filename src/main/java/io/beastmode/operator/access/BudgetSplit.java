package io.beastmode.operator.access;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one budget is split into regional allowances. Every region keeps what it has spent and holds;
 * the unspent rest goes to the reachable regions in proportion to what each has spent this period,
 * with a floor so that an idle region can still start. Before anything is spent the split stays
 * even. An unreachable region keeps its allowance: nothing it may be spending is given away. Pure.
 */
final class BudgetSplit {
  /** The part of the unspent budget shared evenly, whatever the demand. */
  static final double FLOOR = 0.2;

  /** Moves adding up to less than this part of the budget are not worth making. */
  static final double HYSTERESIS = 0.02;

  private BudgetSplit() {}

  /**
   * One region's side of a budget, in nano-USD or tokens.
   *
   * @param allowance what it may spend this period (its last known, when unreachable)
   * @param used what it has spent this period and holds for requests in flight
   * @param reachable whether its Redis answered
   */
  record Region(String name, long allowance, long used, boolean reachable) {}

  /**
   * The allowance each reachable region should have; empty when the regions are close enough to it
   * already. The targets and the unreachable regions' allowances add up to the budget (less what
   * rounding drops), or to what is spent when that is more.
   */
  static Map<String, Long> targets(long budget, List<Region> regions) {
    var reachable = regions.stream().filter(Region::reachable).toList();
    if (reachable.isEmpty()) {
      return Map.of();
    }
    long taken = regions.stream().mapToLong(r -> r.reachable() ? r.used() : r.allowance()).sum();
    long unspent = Math.max(0, budget - taken);
    long demand = reachable.stream().mapToLong(Region::used).sum();
    if (demand == 0) {
      return Map.of();
    }
    var targets = new LinkedHashMap<String, Long>();
    long change = 0;
    for (Region region : reachable) {
      double weight = FLOOR / reachable.size() + (1 - FLOOR) * (double) region.used() / demand;
      long target = region.used() + (long) Math.floor(unspent * weight);
      targets.put(region.name(), target);
      change += Math.abs(target - region.allowance());
    }
    return change < HYSTERESIS * budget ? Map.of() : targets;
  }

  /**
   * What to add to each region below its target, once the lowered allowances are in force: only
   * what the budget has free, the largest shortfall first.
   *
   * @param inForce every region's allowance now, the unreachable ones' included
   */
  static Map<String, Long> raises(
      long budget, Map<String, Long> inForce, Map<String, Long> targets) {
    long free = budget - inForce.values().stream().mapToLong(Long::longValue).sum();
    var raises = new LinkedHashMap<String, Long>();
    var shortfalls =
        targets.entrySet().stream()
            .filter(t -> t.getValue() > inForce.getOrDefault(t.getKey(), 0L))
            .sorted(
                Comparator.comparingLong(
                        (Map.Entry<String, Long> t) -> t.getValue() - inForce.get(t.getKey()))
                    .reversed())
            .toList();
    for (var target : shortfalls) {
      long raise = Math.min(target.getValue() - inForce.get(target.getKey()), free);
      if (raise <= 0) {
        break;
      }
      raises.put(target.getKey(), raise);
      free -= raise;
    }
    return raises;
  }
}
