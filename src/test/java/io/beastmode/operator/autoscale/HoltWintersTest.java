package io.beastmode.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HoltWintersTest {
  static final int DAY = 288;

  /** Requests per five-minute bucket: a daily sine around 1000, growing by {@code growthPerDay}. */
  static double[] daily(int days, double growthPerDay, double noise, long seed) {
    var random = new Random(seed);
    double[] series = new double[days * DAY];
    for (int t = 0; t < series.length; t++) {
      double trend = 1000 + growthPerDay * t / DAY;
      series[t] = trend + 500 * Math.sin(2 * Math.PI * t / DAY) + noise * random.nextGaussian();
    }
    return series;
  }

  @Test
  void learnsTheDailyCycleAndForecastsItsPeakAhead() {
    double[] history = daily(4, 0, 0, 1);
    var model = HoltWinters.fit(history, DAY, HoltWinters.Smoothing.DEFAULT);

    assertThat(model.seasonal()).isTrue();
    // A quarter day after the end of the history is the top of the sine.
    assertThat(model.forecast(DAY / 4)).isCloseTo(1500, within(15.0));
    assertThat(model.forecast(3 * DAY / 4)).isCloseTo(500, within(15.0));
  }

  @Test
  void followsATrendAcrossDays() {
    double[] history = daily(5, 200, 0, 1);
    var model = HoltWinters.fit(history, DAY, HoltWinters.Smoothing.DEFAULT);

    // Day 6 at the same time of day as day 5 began: 1000 + 5 x 200.
    assertThat(model.forecast(DAY)).isCloseTo(2000, within(40.0));
  }

  @Test
  void seesARecurringSpikeComing() {
    double[] history = daily(4, 0, 0, 1);
    for (int day = 0; day < 4; day++) {
      for (int t = 100; t < 103; t++) {
        history[day * DAY + t] += 2000;
      }
    }
    var model = HoltWinters.fit(history, DAY, HoltWinters.Smoothing.DEFAULT);

    double usual = 1000 + 500 * Math.sin(2 * Math.PI * 101 / DAY);
    assertThat(model.forecast(101)).isGreaterThan(usual + 1500);
    assertThat(model.forecast(110)).isLessThan(usual + 200);
  }

  @Test
  void withoutTwoDaysOfHistoryItKeepsLevelAndTrendOnly() {
    double[] ramp = new double[100];
    for (int t = 0; t < ramp.length; t++) {
      ramp[t] = 100 + 10 * t;
    }
    var model = HoltWinters.fit(ramp, DAY, HoltWinters.Smoothing.DEFAULT);

    assertThat(model.seasonal()).isFalse();
    assertThat(model.forecast(1)).isGreaterThan(ramp[99]);
    assertThat(model.forecast(10)).isGreaterThan(model.forecast(1));
  }

  @Test
  void upperForecastAddsTheErrorSpreadAndOneOffBurstsDoNotWidenIt() {
    double[] noisy = daily(4, 0, 50, 3);
    double[] burst = noisy.clone();
    burst[DAY + 50] += 20_000;
    var plain = HoltWinters.fit(noisy, DAY, HoltWinters.Smoothing.DEFAULT);
    var withBurst = HoltWinters.fit(burst, DAY, HoltWinters.Smoothing.DEFAULT);

    assertThat(plain.errorSpread()).isBetween(40.0, 90.0);
    assertThat(plain.upperForecast(1, 1.28))
        .isCloseTo(plain.forecast(1) + 1.28 * plain.errorSpread(), within(1e-9));
    assertThat(withBurst.errorSpread()).isCloseTo(plain.errorSpread(), within(10.0));
  }

  @Test
  void noHistoryForecastsNothing() {
    var model = HoltWinters.fit(new double[0], DAY, HoltWinters.Smoothing.DEFAULT);

    assertThat(model.forecast(5)).isZero();
    assertThat(model.upperForecast(5, 2)).isZero();
  }
}
