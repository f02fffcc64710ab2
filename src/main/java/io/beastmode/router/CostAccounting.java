package io.beastmode.router;

import io.beastmode.router.dialect.TokenUsage;
import io.beastmode.router.select.Pricing;
import io.beastmode.router.select.Selection;
import io.beastmode.wire.ModelRoute;

/** What an answer's tokens cost, counted against the caller's quota and in the metrics. */
final class CostAccounting {
  private final RouterMetrics metrics;

  /** The caller's hold on its key's limits and budget; null without either. */
  private final RequestQuota quota;

  CostAccounting(RouterMetrics metrics, RequestQuota quota) {
    this.metrics = metrics;
    this.quota = quota;
  }

  /**
   * Counts tokens and USD of an answer and returns its cost: prompt-cache reads and writes at their
   * own prices, each counted once.
   */
  double account(ModelRoute model, TokenUsage usage, Selection selection) {
    double cost = costUsd(model, usage);
    if (quota != null) {
      quota.used(usage.totalInput() + usage.output(), cost);
    }
    metrics.tokens(model.name(), usage.totalInput(), usage.output());
    metrics.cost(model.name(), cost, Math.max(0, baselineUsd(usage, selection) - cost));
    return cost;
  }

  /** What the same tokens cost on the dearest model that could have answered. */
  static double baselineUsd(TokenUsage usage, Selection selection) {
    ModelRoute baseline = selection.mostExpensiveEligible();
    return baseline == null ? 0 : costUsd(baseline, usage);
  }

  private static double costUsd(ModelRoute model, TokenUsage usage) {
    return Pricing.costUsd(
        model, usage.uncachedInput(), usage.cacheRead(), usage.cacheWrite(), usage.output());
  }
}
