package io.beastmode.operator.slo;

import static io.beastmode.testing.Fixtures.burnRateRule;
import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.SloAction;
import io.beastmode.api.v1alpha1.SloActionRecord;
import io.beastmode.operator.slo.SloActionPlanner.Capacity;
import io.beastmode.operator.slo.SloActionPlanner.RuleState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SloActionPlannerTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  static final Duration COOLDOWN = Duration.ofMinutes(5);
  static final Map<String, Capacity> CAPACITY =
      Map.of("east", new Capacity(4, 10), "west", new Capacity(9, 10));

  static RuleState fast(boolean firing, String... regions) {
    return new RuleState(
        burnRateRule("fast", "1h", "5m", 14.4),
        firing,
        Set.of(regions),
        "fast: 20x over 1h, 30x over 5m");
  }

  static List<SloActionRecord> decide(
      RuleState state, List<SloActionRecord> previous, Instant now) {
    return SloActionPlanner.decide(List.of(state), previous, CAPACITY, COOLDOWN, now);
  }

  @Test
  void aFiringRegionGetsItsOwnActionsAndTheRouterTheShared() {
    var records = decide(fast(true, "east"), List.of(), T0);

    assertThat(records)
        .extracting(r -> r.action + "@" + r.region)
        .containsExactly("ScaleUp@east", "ShiftTraffic@east", "DegradeModel@null", "Alert@null");
    assertThat(records)
        .allMatch(
            r ->
                r.takenAt.equals(T0.toString())
                    && r.undoneAt == null
                    && r.reason.startsWith("fast"));
    // Half as many again as the four running.
    assertThat(records.get(0).replicas).isEqualTo(6);
  }

  @Test
  void scaleUpStaysWithinTheMaximumAndAddsAtLeastOne() {
    assertThat(SloActionPlanner.scaledUp(new Capacity(9, 10))).isEqualTo(10);
    assertThat(SloActionPlanner.scaledUp(new Capacity(1, 10))).isEqualTo(2);
    assertThat(SloActionPlanner.scaledUp(new Capacity(10, 10))).isEqualTo(10);
  }

  @Test
  void actionsStayWhileTheRuleFiresAndAreUndoneAfterTheCooldownOnceItStops() {
    var taken = decide(fast(true, "east"), List.of(), T0);
    var stillFiring = decide(fast(true, "east"), taken, T0.plus(Duration.ofMinutes(10)));
    assertThat(stillFiring).isEqualTo(taken);

    var stoppedEarly = decide(fast(false), taken, T0.plus(Duration.ofMinutes(2)));
    assertThat(SloActionPlanner.inForce(stoppedEarly)).hasSize(4);

    var stopped = decide(fast(false), taken, T0.plus(Duration.ofMinutes(6)));
    assertThat(SloActionPlanner.inForce(stopped)).isEmpty();
    assertThat(stopped)
        .hasSize(4)
        .allMatch(r -> r.undoneAt.equals(T0.plus(Duration.ofMinutes(6)).toString()));
  }

  @Test
  void anUndoneActionIsNotTakenAgainWithinTheCooldown() {
    var taken = decide(fast(true, "east"), List.of(), T0);
    var undone = decide(fast(false), taken, T0.plus(Duration.ofMinutes(6)));

    var refired = decide(fast(true, "east"), undone, T0.plus(Duration.ofMinutes(7)));
    assertThat(SloActionPlanner.inForce(refired)).isEmpty();

    var later = decide(fast(true, "east"), undone, T0.plus(Duration.ofMinutes(12)));
    assertThat(SloActionPlanner.inForce(later)).hasSize(4);
    assertThat(later).hasSize(8);
  }

  @Test
  void aRegionThatStartsBurningGetsActionsWhileTheOtherKeepsItsOwn() {
    var east = decide(fast(true, "east"), List.of(), T0);
    var both = decide(fast(true, "east", "west"), east, T0.plus(Duration.ofMinutes(1)));

    assertThat(SloActionPlanner.inForce(both))
        .extracting(r -> r.action + "@" + r.region)
        .containsExactlyInAnyOrder(
            "ScaleUp@west",
            "ShiftTraffic@west",
            "ScaleUp@east",
            "ShiftTraffic@east",
            "DegradeModel@null",
            "Alert@null");
    assertThat(both.get(0).replicas).isEqualTo(10);
  }

  @Test
  void theRouterAsAWholeFiringWithoutARegionTakesOnlyTheSharedActions() {
    var records = decide(fast(true), List.of(), T0);

    assertThat(records)
        .extracting(r -> r.action)
        .containsExactly(SloAction.DegradeModel, SloAction.Alert);
  }

  @Test
  void oldUndoneRecordsDropOffButActionsInForceStay() {
    var records = decide(fast(true, "east"), List.of(), T0);
    for (int round = 1; round <= 12; round++) {
      Instant t = T0.plus(COOLDOWN.multipliedBy(3L * round));
      records = decide(fast(false), records, t);
      records = decide(fast(true, "east"), records, t.plus(COOLDOWN.multipliedBy(2)));
    }

    assertThat(SloActionPlanner.inForce(records)).hasSize(4);
    assertThat(records).hasSize(4 + SloActionPlanner.KEPT_RECORDS);
  }
}
