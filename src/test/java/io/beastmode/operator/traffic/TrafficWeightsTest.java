package io.beastmode.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.FailoverMode;
import io.beastmode.operator.traffic.TrafficWeights.Share;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrafficWeightsTest {
  static final double[] FRACTIONS = {0, 0, 0.1, 0.25, 0.5, 1, 1, 1};

  @Test
  void weightsSumTo100OverUsableRegionsAndUnusableRegionsGetNothing() {
    var random = new Random(42);
    for (int run = 0; run < 20_000; run++) {
      var shares = randomShares(random);
      for (var mode : FailoverMode.values()) {
        var weights = TrafficWeights.compute(mode, shares);
        assertThat(weights.keySet())
            .containsExactlyElementsOf(shares.stream().map(Share::region).toList());
        boolean anyUsable = shares.stream().anyMatch(s -> s.fraction() > 0);
        int sum = weights.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(sum).as("%s %s", mode, shares).isEqualTo(anyUsable ? 100 : 0);
        for (var share : shares) {
          int weight = weights.get(share.region());
          assertThat(weight).isBetween(0, 100);
          if (share.fraction() == 0) {
            assertThat(weight).as("%s %s", mode, shares).isZero();
          }
        }
      }
    }
  }

  @Test
  void activeActiveSplitsInProportionToWeightWhenAllAreFull() {
    var random = new Random(7);
    for (int run = 0; run < 5_000; run++) {
      var shares = new ArrayList<Share>();
      int regions = 1 + random.nextInt(5);
      for (int i = 0; i < regions; i++) {
        shares.add(new Share("r" + i, 1 + random.nextInt(100), 100, 1));
      }
      double total = shares.stream().mapToInt(Share::weight).sum();
      var weights = TrafficWeights.compute(FailoverMode.activeActive, shares);
      for (var share : shares) {
        assertThat((double) weights.get(share.region()))
            .isCloseTo(100 * share.weight() / total, org.assertj.core.data.Offset.offset(1.0));
      }
    }
  }

  @Test
  void activePassiveGivesEverythingToTheLowestPriorityServingRegion() {
    var weights =
        TrafficWeights.compute(
            FailoverMode.activePassive,
            List.of(
                new Share("primary", 100, 10, 0),
                new Share("secondary", 100, 20, 1),
                new Share("tertiary", 100, 30, 1)));
    assertThat(weights)
        .containsEntry("primary", 0)
        .containsEntry("secondary", 100)
        .containsEntry("tertiary", 0);
  }

  @Test
  void aRegionFailingBackTakesItsStepOfTheShareItWouldHave() {
    var active =
        TrafficWeights.compute(
            FailoverMode.activeActive,
            List.of(new Share("a", 100, 1, 0.25), new Share("b", 100, 1, 1)));
    assertThat(active).containsEntry("a", 13).containsEntry("b", 87); // 25 % of a 50 % share
    var passive =
        TrafficWeights.compute(
            FailoverMode.activePassive,
            List.of(new Share("primary", 100, 10, 0.25), new Share("secondary", 100, 20, 1)));
    assertThat(passive).containsEntry("primary", 25).containsEntry("secondary", 75);
  }

  @Test
  void regionsThatAllHaveWeightZeroShareEqually() {
    var weights =
        TrafficWeights.compute(
            FailoverMode.activeActive,
            List.of(new Share("a", 0, 1, 1), new Share("b", 0, 1, 1), new Share("c", 0, 1, 1)));
    assertThat(weights.values()).containsExactlyInAnyOrder(34, 33, 33);
  }

  private static List<Share> randomShares(Random random) {
    var shares = new ArrayList<Share>();
    int regions = 1 + random.nextInt(6);
    for (int i = 0; i < regions; i++) {
      shares.add(
          new Share(
              "r" + i,
              random.nextInt(101),
              random.nextInt(5),
              FRACTIONS[random.nextInt(FRACTIONS.length)]));
    }
    return shares;
  }
}
