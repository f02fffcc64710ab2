package io.beastmode.router.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WrongRateBoundTest {

  @Test
  void noEventIsTheClosedForm() {
    // 1 - 0.05^(1/n)
    assertThat(WrongRateBound.upper95(0, 10)).isCloseTo(0.258866, within(1e-6));
    assertThat(WrongRateBound.upper95(0, 100)).isCloseTo(0.029513, within(1e-6));
    assertThat(WrongRateBound.upper95(0, 299)).isLessThanOrEqualTo(0.01);
    assertThat(WrongRateBound.upper95(0, 298)).isGreaterThan(0.01);
  }

  @Test
  void eventsMatchTheBinomialSumComputedByHand() {
    // p where P(X <= k | n, p) = 0.05, found by summing the binomial terms directly
    assertThat(WrongRateBound.upper95(1, 10)).isCloseTo(0.394163, within(1e-6));
    assertThat(WrongRateBound.upper95(3, 20)).isCloseTo(0.343664, within(1e-6));
    assertThat(WrongRateBound.upper95(5, 100)).isCloseTo(0.102253, within(1e-6));
    assertThat(WrongRateBound.upper95(10, 1000)).isCloseTo(0.016903, within(1e-6));
  }

  @Test
  void theBoundHoldsAtItsOwnDefinition() {
    double p = WrongRateBound.upper95(7, 60);
    double cdf = 0;
    for (int i = 0; i <= 7; i++) {
      cdf += binomial(60, i) * Math.pow(p, i) * Math.pow(1 - p, 60 - i);
    }
    assertThat(cdf).isCloseTo(0.05, within(1e-7));
  }

  @Test
  void nothingKnownOrAllWrongIsOne() {
    assertThat(WrongRateBound.upper95(0, 0)).isEqualTo(1);
    assertThat(WrongRateBound.upper95(4, 4)).isEqualTo(1);
  }

  @Test
  void largeCountsApproachTheRate() {
    double bound = WrongRateBound.upper95(500, 50_000);
    assertThat(bound).isGreaterThan(0.01).isLessThan(0.0108);
  }

  private static double binomial(int n, int k) {
    double c = 1;
    for (int i = 1; i <= k; i++) {
      c = c * (n - k + i) / i;
    }
    return c;
  }
}
