package io.beastmode.operator.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.access.BudgetSplit.Region;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetSplitTest {
  static final long BUDGET = 1_000;

  @Test
  void theUnspentBudgetFollowsWhatEachRegionSpentAndAnIdleOneKeepsAFloor() {
    var targets =
        BudgetSplit.targets(
            BUDGET, List.of(new Region("busy", 500, 400, true), new Region("idle", 500, 0, true)));

    // 600 unspent: 10 % each as the floor, 80 % by what each spent, all of it busy's.
    assertThat(targets).containsEntry("busy", 400 + 60 + 480L).containsEntry("idle", 60L);
    assertThat(targets.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(BUDGET);
  }

  @Test
  void noRegionIsTargetedBelowWhatItHasSpentAndHolds() {
    var targets =
        BudgetSplit.targets(
            BUDGET, List.of(new Region("a", 500, 490, true), new Region("b", 500, 100, true)));

    assertThat(targets.get("a")).isGreaterThanOrEqualTo(490);
    assertThat(targets.get("b")).isGreaterThanOrEqualTo(100);
    assertThat(targets.values().stream().mapToLong(Long::longValue).sum())
        .as("all of it, less what rounding down drops")
        .isBetween(BUDGET - 1, BUDGET);
  }

  @Test
  void anUnreachableRegionKeepsItsAllowanceAndOnlyTheRestIsShared() {
    var targets =
        BudgetSplit.targets(
            BUDGET,
            List.of(
                new Region("cut-off", 500, 500, false),
                new Region("a", 250, 200, true),
                new Region("b", 250, 0, true)));

    assertThat(targets).doesNotContainKey("cut-off");
    assertThat(targets.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(BUDGET - 500);
  }

  @Test
  void smallMovesAreNotMade() {
    var targets =
        BudgetSplit.targets(
            BUDGET, List.of(new Region("a", 500, 100, true), new Region("b", 500, 101, true)));

    assertThat(targets).isEmpty();
  }

  @Test
  void beforeAnythingIsSpentTheEvenSplitStays() {
    var targets =
        BudgetSplit.targets(
            BUDGET, List.of(new Region("a", 500, 0, true), new Region("b", 500, 0, true)));

    assertThat(targets).isEmpty();
  }

  @Test
  void raisesGiveOnlyWhatTheBudgetHasFreeLargestShortfallFirst() {
    var inForce = new HashMap<>(Map.of("a", 300L, "b", 200L, "c", 400L));

    var raises = BudgetSplit.raises(BUDGET, inForce, Map.of("a", 300L, "b", 280L, "c", 550L));

    // 100 free: c is 150 short, b 80; c gets all of it.
    assertThat(raises).isEqualTo(Map.of("c", 100L));
  }

  @Test
  void nothingIsRaisedWhenTheLoweredRegionsFreedNothing() {
    // A lowering that could not go below what its region had spent leaves the budget full.
    var raises = BudgetSplit.raises(BUDGET, Map.of("a", 700L, "b", 300L), Map.of("b", 600L));

    assertThat(raises).isEmpty();
  }
}
