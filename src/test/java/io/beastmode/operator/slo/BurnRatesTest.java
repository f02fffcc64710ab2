package io.beastmode.operator.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.beastmode.api.v1alpha1.SloTargets;
import io.beastmode.wire.LatencyHistogram;
import io.beastmode.wire.UsageSample;
import org.junit.jupiter.api.Test;

class BurnRatesTest {

  /**
   * {@code requests} requests, {@code slow} of them between 250 and 500 ms, the rest between 25 and
   * 50 ms.
   */
  static UsageSample sample(
      long requests, long errors, long slow, long hits, long misses, double cost) {
    long[] latency = new long[LatencyHistogram.BOUNDS_MS.length + 1];
    latency[3] = requests - slow; // (25, 50]
    latency[6] = slow; // (250, 500]
    return new UsageSample(requests, errors, hits, misses, cost, latency);
  }

  @Test
  void errorsSpendTheBudgetTheTargetAllows() {
    var targets = new SloTargets();
    targets.availabilityPercent = 99.0;

    // 1 % allowed, 5 % failed: five times the even spend.
    assertThat(BurnRates.burnRate(targets, sample(1000, 50, 0, 0, 0, 0)))
        .isCloseTo(5, within(1e-9));
    assertThat(BurnRates.burnRate(targets, sample(1000, 10, 0, 0, 0, 0)))
        .isCloseTo(1, within(1e-9));
    assertThat(BurnRates.budgetRemainingPercent(targets, sample(1000, 5, 0, 0, 0, 0)))
        .isCloseTo(50, within(1e-9));
  }

  @Test
  void aP95TargetAllowsFivePercentSlowerRequests() {
    var targets = new SloTargets();
    targets.p95LatencyMillis = 250;

    assertThat(BurnRates.burnRate(targets, sample(1000, 0, 50, 0, 0, 0)))
        .isCloseTo(1, within(1e-9));
    assertThat(BurnRates.burnRate(targets, sample(1000, 0, 200, 0, 0, 0)))
        .isCloseTo(4, within(1e-9));
    assertThat(BurnRates.burnRate(targets, sample(1000, 0, 0, 0, 0, 0))).isZero();
  }

  @Test
  void theHighestBurnOfTheTargetsCounts() {
    var targets = new SloTargets();
    targets.errorRatePercent = 1.0;
    targets.minCacheHitRatePercent = 60.0;
    targets.maxCostPerThousandRequestsUsd = 2.0;

    // Errors 1x, cache misses 70 % of an allowed 40 % (1.75x), cost $3 per 1k of $2 (1.5x).
    assertThat(BurnRates.burnRate(targets, sample(1000, 10, 0, 300, 700, 3.0)))
        .isCloseTo(1.75, within(1e-9));
  }

  @Test
  void aTargetThatAllowsNothingIsExhaustedByOneBadEvent() {
    var targets = new SloTargets();
    targets.availabilityPercent = 100.0;

    assertThat(BurnRates.burnRate(targets, sample(1000, 1, 0, 0, 0, 0)))
        .isEqualTo(BurnRates.EXHAUSTED);
    assertThat(BurnRates.burnRate(targets, sample(1000, 0, 0, 0, 0, 0))).isZero();
  }

  @Test
  void nothingServedBurnsNothing() {
    var targets = new SloTargets();
    targets.errorRatePercent = 1.0;
    targets.p95LatencyMillis = 100;

    assertThat(BurnRates.burnRate(targets, UsageSample.EMPTY)).isZero();
    assertThat(BurnRates.indicators(UsageSample.EMPTY).errorRatePercent).isNull();
  }

  @Test
  void indicatorsMergeWhatEveryPodServed() {
    var merged = sample(900, 9, 0, 450, 450, 0.9).plus(sample(100, 1, 100, 50, 50, 0.1));
    var indicators = BurnRates.indicators(merged);

    assertThat(indicators.errorRatePercent).isEqualTo(1.0);
    assertThat(indicators.availabilityPercent).isEqualTo(99.0);
    assertThat(indicators.cacheHitRatePercent).isEqualTo(50.0);
    assertThat(indicators.costPerThousandRequestsUsd).isEqualTo(1.0);
    // 10 % of requests sit in (250, 500]: the 95th percentile is half-way through that bucket.
    assertThat(indicators.p95LatencyMillis).isCloseTo(375, within(1e-6));
  }
}
