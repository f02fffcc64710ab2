package io.beastmode.router.select.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PolicyRoutingTest {
  static final PromptFeatures SHORT =
      PromptFeatures.of("What is the capital of Peru?", 1, false, 0);
  static final PromptFeatures LONG =
      PromptFeatures.of(
          "Consider the following contract clause at length. ".repeat(30), 1, false, 0);

  @Test
  void explorationNeverTakesMoreThanItsShareAndWithoutItThePolicyInForceIsAlwaysFollowed() {
    for (double share : new double[] {0, 0.02, 0.1}) {
      PolicyRouting routing =
          new PolicyRouting(List.of(CandidatePolicy.learned), share, new SplittableRandom(7));
      int n = 20_000;
      int followed = 0;
      for (int i = 0; i < n; i++) {
        boolean learnedStrong = i % 3 == 0;
        PolicyRouting.Decision d =
            routing.decide(i % 2 == 0 ? SHORT : LONG, 0.5, 0.5, learnedStrong);
        followed += d.strong() == learnedStrong ? 1 : 0;
        assertThat(d.propensity())
            .isCloseTo(d.strong() == learnedStrong ? 1 - share / 2 : share / 2, within(1e-12));
      }
      PolicyRouting.Status status = routing.status();
      double sd = Math.sqrt(share * (1 - share) / n);
      assertThat((double) status.explored() / n).isLessThanOrEqualTo(share + 4 * sd);
      assertThat(n - followed).isEqualTo((int) status.exploredOffPolicy());
      assertThat((double) status.exploredOffPolicy() / n).isLessThanOrEqualTo(share / 2 + 4 * sd);
      if (share == 0) {
        assertThat(followed).isEqualTo(n);
      }
    }
  }

  @Test
  void theRouterMovesToLengthWhenOutcomesShowTheLearnedPolicyWorse() {
    PolicyRouting routing =
        new PolicyRouting(
            List.of(CandidatePolicy.learned, CandidatePolicy.length), 0.2, new SplittableRandom(3));
    // Long prompts need the strong model; the learned predictor has it the wrong way round.
    SplittableRandom traffic = new SplittableRandom(11);
    int switchedAfter = -1;
    for (int i = 0; i < 3000 && switchedAfter < 0; i++) {
      boolean longPrompt = traffic.nextBoolean();
      double weakChance = longPrompt ? 0.9 : 0.3;
      PolicyRouting.Decision d =
          routing.decide(longPrompt ? LONG : SHORT, weakChance, 0.9, weakChance < 0.7);
      double reward = d.strong() || !longPrompt ? 1 : 0;
      routing.record(d.outcome(reward));
      if (routing.inForce() == CandidatePolicy.length) {
        switchedAfter = i + 1;
      }
    }

    assertThat(switchedAfter).as("outcomes before the switch").isBetween(1, 200);
    PolicyRouting.Status status = routing.status();
    assertThat(status.estimates().get(CandidatePolicy.length).pgr().estimate())
        .isGreaterThan(status.estimates().get(CandidatePolicy.learned).pgr().estimate());
  }

  @Test
  void theRouterStaysWithItsPolicyWhenNoOtherIsShownBetter() {
    PolicyRouting routing =
        new PolicyRouting(
            List.of(CandidatePolicy.learned, CandidatePolicy.length), 0.2, new SplittableRandom(3));
    SplittableRandom traffic = new SplittableRandom(11);
    for (int i = 0; i < 3000; i++) {
      boolean longPrompt = traffic.nextBoolean();
      boolean hard = traffic.nextBoolean();
      // The predictor knows which prompts are hard; length says nothing.
      double weakChance = hard ? 0.3 : 0.9;
      PolicyRouting.Decision d =
          routing.decide(longPrompt ? LONG : SHORT, weakChance, 0.9, weakChance < 0.7);
      double reward = d.strong() || !hard ? 1 : 0;
      routing.record(d.outcome(reward));
      assertThat(routing.inForce()).isEqualTo(CandidatePolicy.learned);
    }
  }

  @Test
  void everyCandidateButLearnedSendsTheSameShareToTheStrongModelAsLearned() {
    PolicyRouting routing = new PolicyRouting(CandidatePolicy.DEFAULTS, 0, new SplittableRandom(1));
    SplittableRandom traffic = new SplittableRandom(5);
    for (int i = 0; i < 5000; i++) {
      String prompt = "word ".repeat(1 + traffic.nextInt(200));
      double weakChance = traffic.nextDouble();
      routing.decide(PromptFeatures.of(prompt, 1, false, 0), weakChance, 0.9, weakChance < 0.3);
    }
    var estimates = routing.status().estimates();
    double learned = estimates.get(CandidatePolicy.learned).strongShare().estimate();
    assertThat(learned).isBetween(0.27, 0.33);
    for (CandidatePolicy policy : List.of(CandidatePolicy.length, CandidatePolicy.blend)) {
      assertThat(estimates.get(policy).strongShare().estimate())
          .isBetween(learned - 0.03, learned + 0.03);
    }
  }
}
