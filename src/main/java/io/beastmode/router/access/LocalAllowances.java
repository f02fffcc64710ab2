package io.beastmode.router.access;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this router has admitted of each budget on its own estimate while its region's ledger was
 * unreachable, per UTC day: at most the key's local allowance, so a budget's day can end at most
 * (routers x allowance) over its limit however long or often the ledger is away. What was admitted
 * stays counted for the day after the ledger returns and learns of it.
 */
final class LocalAllowances {

  private record Day(long epochDay, long nanoUsd) {}

  /** By budget (the counters' prefix, {@link io.beastmode.wire.QuotaKeys#budget()}). */
  private final Map<String, Day> admitted = new ConcurrentHashMap<>();

  /**
   * Takes {@code nanoUsd} of the budget's allowance for {@code epochDay}; false, taking nothing,
   * when it does not fit.
   */
  boolean take(String budget, long epochDay, long nanoUsd, long allowanceNanoUsd) {
    boolean[] taken = {false};
    admitted.compute(
        budget,
        (name, day) -> {
          long used = day == null || day.epochDay() != epochDay ? 0 : day.nanoUsd();
          if (used + nanoUsd > allowanceNanoUsd) {
            return day;
          }
          taken[0] = true;
          return new Day(epochDay, used + nanoUsd);
        });
    return taken[0];
  }
}
