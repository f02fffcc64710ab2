package io.beastmode.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PredictiveScalingTest {
  static final int DAY = PredictiveScaling.BUCKETS_PER_DAY;

  /** Three days of 30 req/s, jumping to 300 req/s at bucket 100 of each day for an hour. */
  static double[] dailyJump(int lastBucket) {
    double[] series = new double[2 * DAY + lastBucket];
    for (int t = 0; t < series.length; t++) {
      int ofDay = t % DAY;
      double rate = ofDay >= 100 && ofDay < 112 ? 300 : 30;
      series[t] = rate * PredictiveScaling.BUCKET_SECONDS;
    }
    return series;
  }

  @Test
  void raisesTheMinimumBeforeADailyJumpArrives() {
    // History ends two buckets before the jump; the lead time reaches into it.
    var prediction = PredictiveScaling.predict(dailyJump(98), 0, 600, 10, 2, 50);

    assertThat(prediction.seasonal()).isTrue();
    assertThat(prediction.forecastRequestsPerSecond()).isCloseTo(300, within(15.0));
    assertThat(prediction.minReplicas()).isBetween(30, 32);
    assertThat(prediction.leadSeconds()).isEqualTo(600);
  }

  @Test
  void aShortLeadDoesNotLookAsFarAsTheJump() {
    var prediction = PredictiveScaling.predict(dailyJump(90), 0, 120, 10, 2, 50);

    assertThat(prediction.minReplicas()).isBetween(3, 4);
  }

  @Test
  void staysWithinTheSpecMinimumAndMaximum() {
    assertThat(PredictiveScaling.predict(dailyJump(98), 0, 600, 10, 2, 20).minReplicas())
        .isEqualTo(20);
    assertThat(PredictiveScaling.predict(new double[] {0, 0, 0}, 0, 600, 10, 5, 20).minReplicas())
        .isEqualTo(5);
  }

  @Test
  void withoutACapacityEstimateItKeepsTheSpecMinimum() {
    assertThat(PredictiveScaling.predict(dailyJump(98), 0, 600, 0, 3, 50).minReplicas())
        .isEqualTo(3);
  }

  @Test
  void capacityPerReplicaFollowsLittlesLawUnlessTheSpecSetsIt() {
    // 32 in flight at 0.4 s each is 80 requests per second.
    assertThat(PredictiveScaling.ratePerReplica(null, 32, 0.4)).isCloseTo(80, within(1e-9));
    assertThat(PredictiveScaling.ratePerReplica(25.0, 32, 0.4)).isEqualTo(25);
    assertThat(PredictiveScaling.ratePerReplica(null, 32, 0)).isZero();
  }
}
