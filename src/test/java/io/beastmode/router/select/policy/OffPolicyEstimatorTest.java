package io.beastmode.router.select.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.beastmode.router.select.policy.OffPolicyEstimator.Interval;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inverse propensity weighting against figures worked out by hand. The router followed learned with
 * an exploration share of 0.2: the action the policy in force takes has probability 0.8 + 0.1 =
 * 0.9, the other 0.1.
 */
class OffPolicyEstimatorTest {
  static final int LEARNED = CandidatePolicy.learned.bit();
  static final int LENGTH = CandidatePolicy.length.bit();

  static final List<LoggedOutcome> LOG =
      List.of(
          // length wanted the strong model, learned the cheap one, which answered well
          new LoggedOutcome(LENGTH, false, 0.9, 1),
          // the same disagreement, explored: the strong model answered well
          new LoggedOutcome(LENGTH, true, 0.1, 1),
          // both wanted the cheap model, which answered badly
          new LoggedOutcome(0, false, 0.9, 0),
          // both wanted the strong model, which answered well
          new LoggedOutcome(LEARNED | LENGTH, true, 0.9, 1));

  @Test
  void aPolicyCountsOnlyTheAnswersItWouldHaveChosenWeightedByOneOverTheirPropensity() {
    // learned agrees with answers 1, 3, 4 (weights 1/0.9 each): (1 + 0 + 1) / 3
    assertThat(value(CandidatePolicy.learned)).isCloseTo(2 / 3.0, within(1e-9));
    // length agrees with 2 (weight 10) and 4, 3 (1/0.9 each): (10 + 1/0.9) / (10 + 2/0.9)
    assertThat(value(CandidatePolicy.length))
        .isCloseTo((10 + 1 / 0.9) / (10 + 2 / 0.9), within(1e-9));
    assertThat(OffPolicyEstimator.value(LOG, OffPolicyEstimator.ALL_WEAK).estimate())
        .isCloseTo(0.5, within(1e-9));
    assertThat(OffPolicyEstimator.value(LOG, OffPolicyEstimator.ALL_STRONG).estimate())
        .isCloseTo(1, within(1e-9));
  }

  @Test
  void pgrIsTheEstimatedGainOverTheCheapModelAsAShareOfTheStrongModelsGain() {
    // (2/3 − 1/2) / (1 − 1/2)
    Interval learned =
        OffPolicyEstimator.pgr(LOG, OffPolicyEstimator.of(CandidatePolicy.learned), 200, 1);
    assertThat(learned.estimate()).isCloseTo(1 / 3.0, within(1e-9));
    // ((10 + 1/0.9) / (10 + 2/0.9) − 1/2) / (1/2) = 9 / 11
    assertThat(
            OffPolicyEstimator.pgr(LOG, OffPolicyEstimator.of(CandidatePolicy.length), 200, 1)
                .estimate())
        .isCloseTo(9 / 11.0, within(1e-9));
    assertThat(learned.low()).isLessThanOrEqualTo(learned.estimate());
    assertThat(learned.high()).isGreaterThanOrEqualTo(learned.estimate());
  }

  private static double value(CandidatePolicy policy) {
    return OffPolicyEstimator.value(LOG, OffPolicyEstimator.of(policy)).estimate();
  }

  @Test
  void theDifferenceOfTwoPoliciesIsPairedWithANormalInterval() {
    // Per answer: 1/0.9, −1/0.1, 0, 0. Mean −(10 − 1/0.9)/4; sample variance of those four.
    double[] terms = {1 / 0.9, -10, 0, 0};
    double mean = (terms[0] + terms[1]) / 4;
    double variance = 0;
    for (double t : terms) {
      variance += (t - mean) * (t - mean);
    }
    variance /= 3;
    double half = 1.96 * Math.sqrt(variance / 4);

    Interval difference =
        OffPolicyEstimator.difference(
            LOG,
            OffPolicyEstimator.of(CandidatePolicy.learned),
            OffPolicyEstimator.of(CandidatePolicy.length));

    assertThat(difference.estimate()).isCloseTo(-2.2222222, within(1e-6));
    assertThat(difference.low()).isCloseTo(mean - half, within(1e-9));
    assertThat(difference.high()).isCloseTo(mean + half, within(1e-9));
    assertThat(half).isCloseTo(5.1074, within(1e-3));
  }

  @Test
  void withPredictionsTheDifferenceIsThePredictedOneCorrectedByTheAnswersThatAgree() {
    // Cheap model predicted 0.6, strong 0.9. Learned (cheap) was followed, p = 0.9, the answer
    // was bad; length (strong) was not. learned: 0.6 + (0 − 0.6) / 0.9; length: 0.9.
    LoggedOutcome followed = new LoggedOutcome(LENGTH, false, 0.9, 0, 0.6, 0.9);
    // Explored: the strong model answered well, p = 0.1. learned: 0.6; length: 0.9 + 0.1 / 0.1.
    LoggedOutcome explored = new LoggedOutcome(LENGTH, true, 0.1, 1, 0.6, 0.9);

    Interval difference =
        OffPolicyEstimator.difference(
            List.of(followed, explored),
            OffPolicyEstimator.of(CandidatePolicy.length),
            OffPolicyEstimator.of(CandidatePolicy.learned));

    double first = 0.9 - (0.6 - 0.6 / 0.9);
    double second = (0.9 + 0.1 / 0.1) - 0.6;
    assertThat(difference.estimate()).isCloseTo((first + second) / 2, within(1e-9));
  }

  @Test
  void withNothingLoggedOrNoContrastBetweenTheModelsNothingIsEstimated() {
    assertThat(OffPolicyEstimator.value(List.of(), OffPolicyEstimator.ALL_WEAK).estimate()).isNaN();
    // Only cheap answers: nothing says how the strong model does, PGR is unknown.
    List<LoggedOutcome> cheapOnly = List.of(new LoggedOutcome(0, false, 1, 1));
    assertThat(OffPolicyEstimator.pgr(cheapOnly, OffPolicyEstimator.ALL_STRONG, 50, 1).estimate())
        .isNaN();
  }

  @Test
  void aStrongShareHasABinomialInterval() {
    Interval share = OffPolicyEstimator.share(30, 100);
    assertThat(share.estimate()).isEqualTo(0.3);
    assertThat(share.low()).isCloseTo(0.3 - 1.96 * Math.sqrt(0.3 * 0.7 / 100), within(1e-12));
    assertThat(OffPolicyEstimator.share(0, 10).low()).isZero();
  }
}
