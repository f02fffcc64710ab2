package io.beastmode.router.select.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RoutingCurveTest {

  // Four prompts: the weak model is right on 2, the strong on 3. The scores send prompt 1, then 2,
  // then 3, then 0 to the strong model: accuracy 2, 3, 4, 3, 3 right, PGR 0, 1, 2, 1, 1.
  private final RoutingCurve curve =
      RoutingCurve.of(
          new double[] {0.1, 0.9, 0.5, 0.3}, new double[] {1, 0, 0, 1}, new double[] {1, 1, 1, 0});

  @Test
  void pgrAtEachShareIsTheGainOverTheWeakModelAsAShareOfTheStrongModelsGain() {
    assertThat(curve.shares()).containsExactly(0, 0.25, 0.5, 0.75, 1);
    assertThat(curve.pgr()).containsExactly(0, 1, 2, 1, 1);
    assertThat(curve.pgrAt(0.375)).isCloseTo(1.5, within(1e-12));
  }

  @Test
  void apgrIsTheTrapezoidAreaUnderTheCurve() {
    // 0.25 * (0+1)/2 + 0.25 * (1+2)/2 + 0.25 * (2+1)/2 + 0.25 * (1+1)/2
    assertThat(curve.apgr()).isCloseTo(1.125, within(1e-12));
  }

  @Test
  void cptIsTheSmallestShareReachingTheTargetPgr() {
    assertThat(curve.cpt(0.5)).isCloseTo(0.125, within(1e-12));
    assertThat(curve.cpt(0.8)).isCloseTo(0.2, within(1e-12));
    assertThat(curve.cpt(0)).isZero();
  }

  @Test
  void equalScoresAreTheRandomRouter() {
    RoutingCurve random =
        RoutingCurve.of(new double[5], new double[] {1, 0, 0, 1, 0}, new double[] {1, 1, 1, 0, 1});
    assertThat(random.apgr()).isCloseTo(0.5, within(1e-12));
    assertThat(random.cpt(0.5)).isCloseTo(0.5, within(1e-12));
    assertThat(random.cpt(0.8)).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void tiesAreTheStraightLineBetweenTheirEnds() {
    // Prompts 0 and 1 tie (gains 1 and 0), then 2 and 3 tie (gains 0 and 1): PGR 0, 0.5, 1.
    RoutingCurve tied =
        RoutingCurve.of(
            new double[] {1, 1, 0, 0}, new double[] {0, 1, 1, 0}, new double[] {1, 1, 1, 1});
    assertThat(tied.shares()).containsExactly(0, 0.5, 1);
    assertThat(tied.pgr()).containsExactly(0, 0.5, 1);
    assertThat(tied.apgr()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void modelsOfEqualAccuracyHaveNoPgr() {
    assertThatThrownBy(
            () -> RoutingCurve.of(new double[2], new double[] {1, 0}, new double[] {0, 1}))
        .hasMessageContaining("same accuracy");
  }
}
