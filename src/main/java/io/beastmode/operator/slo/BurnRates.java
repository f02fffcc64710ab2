package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.SloIndicators;
import io.beastmode.api.v1alpha1.SloTargets;
import io.beastmode.wire.LatencyHistogram;
import io.beastmode.wire.UsageSample;

/**
 * Service level indicators and error-budget burn of routed requests. Pure.
 *
 * <p>Every target is read as a budget of bad events: an error-rate or availability target allows
 * that share of failed requests, a p95 latency target allows 5 % of requests slower than it, a
 * cache-hit target allows the rest to miss. A burn rate of 1 spends exactly the budget over the SLO
 * window; 14.4 spends a 30-day budget in about two days. Cost has no events: its burn is the cost
 * per 1,000 requests over the target. The rate of a sample is the highest over the targets set.
 */
public final class BurnRates {
  static final double LATENCY_QUANTILE = 0.95;

  /** Burn reported when a target allows no bad events at all and some happened. */
  static final double EXHAUSTED = 1000;

  private BurnRates() {}

  /** The sample's indicators; those without requests to measure are left out. */
  public static SloIndicators indicators(UsageSample sample) {
    var indicators = new SloIndicators();
    if (sample.requests() > 0) {
      indicators.errorRatePercent = round(100.0 * sample.errors() / sample.requests());
      indicators.availabilityPercent = round(100 - indicators.errorRatePercent);
      indicators.costPerThousandRequestsUsd = round(1000 * sample.costUsd() / sample.requests());
    }
    if (total(sample.latencyCounts()) > 0) {
      indicators.p95LatencyMillis = round(quantile(sample.latencyCounts(), LATENCY_QUANTILE));
    }
    long cacheable = sample.cacheHits() + sample.cacheMisses();
    if (cacheable > 0) {
      indicators.cacheHitRatePercent = round(100.0 * sample.cacheHits() / cacheable);
    }
    return indicators;
  }

  /** How fast the sample spends the error budget; 0 when nothing was served. */
  public static double burnRate(SloTargets targets, UsageSample sample) {
    double burn = 0;
    if (sample.requests() > 0) {
      double failed = (double) sample.errors() / sample.requests();
      if (targets.errorRatePercent != null) {
        burn = Math.max(burn, spend(failed, targets.errorRatePercent / 100));
      }
      if (targets.availabilityPercent != null) {
        burn = Math.max(burn, spend(failed, 1 - targets.availabilityPercent / 100));
      }
      if (targets.maxCostPerThousandRequestsUsd != null) {
        burn =
            Math.max(
                burn,
                spend(
                    1000 * sample.costUsd() / sample.requests(),
                    targets.maxCostPerThousandRequestsUsd));
      }
    }
    long timed = total(sample.latencyCounts());
    if (targets.p95LatencyMillis != null && timed > 0) {
      double slow = slowerThan(sample.latencyCounts(), targets.p95LatencyMillis) / timed;
      burn = Math.max(burn, spend(slow, 1 - LATENCY_QUANTILE));
    }
    long cacheable = sample.cacheHits() + sample.cacheMisses();
    if (targets.minCacheHitRatePercent != null && cacheable > 0) {
      burn =
          Math.max(
              burn,
              spend(
                  (double) sample.cacheMisses() / cacheable,
                  1 - targets.minCacheHitRatePercent / 100));
    }
    return burn;
  }

  /** Share of the window's budget not spent yet, in percent; below zero once overspent. */
  public static double budgetRemainingPercent(SloTargets targets, UsageSample window) {
    return round(100 * (1 - burnRate(targets, window)));
  }

  /** The latency below which {@code q} of the requests fall, interpolated inside its bucket. */
  static double quantile(long[] counts, double q) {
    long[] bounds = LatencyHistogram.BOUNDS_MS;
    double rank = q * total(counts);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && seen + counts[i] >= rank) {
        if (i >= bounds.length) {
          return bounds[bounds.length - 1];
        }
        double lower = i == 0 ? 0 : bounds[i - 1];
        return lower + (bounds[i] - lower) * (rank - seen) / counts[i];
      }
      seen += counts[i];
    }
    return 0;
  }

  /** Requests slower than {@code millis}, counting a bucket it falls inside in proportion. */
  static double slowerThan(long[] counts, double millis) {
    long[] bounds = LatencyHistogram.BOUNDS_MS;
    double slow = 0;
    for (int i = 0; i < counts.length; i++) {
      double lower = i == 0 ? 0 : bounds[i - 1];
      double upper = i < bounds.length ? bounds[i] : Double.POSITIVE_INFINITY;
      if (lower >= millis) {
        slow += counts[i];
      } else if (upper > millis && upper != Double.POSITIVE_INFINITY) {
        slow += counts[i] * (upper - millis) / (upper - lower);
      } else if (upper > millis) {
        slow += counts[i];
      }
    }
    return slow;
  }

  private static double spend(double bad, double allowed) {
    if (allowed <= 0) {
      return bad > 0 ? EXHAUSTED : 0;
    }
    return Math.min(EXHAUSTED, bad / allowed);
  }

  private static long total(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
