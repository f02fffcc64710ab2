package io.beastmode.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.FailoverSpec;
import io.beastmode.api.v1alpha1.TrafficStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FailoverMachineTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  static FailoverSpec spec(int failbackAfterSeconds, int maxFlaps, Integer... steps) {
    var spec = new FailoverSpec();
    spec.failbackAfterSeconds = failbackAfterSeconds;
    spec.maxFlapsPerHour = maxFlaps;
    spec.shiftSteps = List.of(steps);
    return spec;
  }

  @Test
  void failsOverAtOnceAndFailsBackInStepsAfterTheHealthyPeriod() {
    var spec = spec(60, 3, 10, 25, 50, 100);
    var state = RegionTrafficState.active(T0);
    state = FailoverMachine.next(state, RegionSignal.down(), T0.plusSeconds(1), spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.FailedOver);
    assertThat(FailoverMachine.fraction(state, spec)).isZero();

    state = FailoverMachine.next(state, RegionSignal.healthy(), T0.plusSeconds(10), spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.Recovering);
    state = FailoverMachine.next(state, RegionSignal.healthy(), T0.plusSeconds(69), spec);
    assertThat(state.stage()).as("59 s healthy is not enough").isEqualTo(TrafficStage.Recovering);

    var fractions = new ArrayList<Double>();
    Instant t = T0.plusSeconds(70);
    for (int i = 0; i < 4; i++, t = t.plusSeconds(60)) {
      state = FailoverMachine.next(state, RegionSignal.healthy(), t, spec);
      fractions.add(FailoverMachine.fraction(state, spec));
      // Between steps nothing moves.
      assertThat(FailoverMachine.next(state, RegionSignal.healthy(), t.plusSeconds(59), spec))
          .isEqualTo(state);
    }
    assertThat(fractions).containsExactly(0.10, 0.25, 0.50, 1.0);
    assertThat(state.stage()).isEqualTo(TrafficStage.Active);
  }

  @Test
  void aRegionThatFailsWhileFailingBackGoesOutAgainAndCountsAFlap() {
    var spec = spec(10, 5, 50, 100);
    var state =
        new RegionTrafficState(TrafficStage.FailingBack, T0, 0, List.of(T0.minusSeconds(100)));
    state = FailoverMachine.next(state, RegionSignal.down(), T0.plusSeconds(1), spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.FailedOver);
    assertThat(state.failovers()).hasSize(2);
  }

  @Test
  void theFlapLimitHoldsARegionOutUntilReleased() {
    var spec = spec(5, 2, 100);
    var state = RegionTrafficState.active(T0);
    state = FailoverMachine.next(state, RegionSignal.down(), T0.plusSeconds(1), spec);
    state = FailoverMachine.next(state, RegionSignal.healthy(), T0.plusSeconds(2), spec);
    state = FailoverMachine.next(state, RegionSignal.healthy(), T0.plusSeconds(8), spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.Active);
    state = FailoverMachine.next(state, RegionSignal.down(), T0.plusSeconds(9), spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.HeldOut);
    state = FailoverMachine.next(state, RegionSignal.healthy(), T0.plusSeconds(3600 * 2), spec);
    assertThat(state.stage())
        .as("a hold does not expire by itself")
        .isEqualTo(TrafficStage.HeldOut);
    state =
        FailoverMachine.next(
            state, new RegionSignal(true, false, true, true), T0.plusSeconds(3600 * 2), spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.FailedOver);
    assertThat(state.failovers()).isEmpty();
  }

  @Test
  void failoversOlderThanAnHourDoNotCountTowardsTheFlapLimit() {
    var spec = spec(5, 2, 100);
    var state = new RegionTrafficState(TrafficStage.Active, T0, 0, List.of(T0.minusSeconds(3601)));
    state = FailoverMachine.next(state, RegionSignal.down(), T0, spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.FailedOver);
    assertThat(state.failovers()).containsExactly(T0);
  }

  @Test
  void failbackWaitsUntilTheRegionRunsTheReplicasItsShareNeeds() {
    var spec = spec(10, 3, 50, 100);
    var state = new RegionTrafficState(TrafficStage.Recovering, T0, 0, List.of());
    var notScaled = new RegionSignal(true, false, false, false);
    state = FailoverMachine.next(state, notScaled, T0.plusSeconds(30), spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.Recovering);
    state = FailoverMachine.next(state, RegionSignal.healthy(), T0.plusSeconds(31), spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.FailingBack);
  }

  @Test
  void drainingMovesTrafficAwayWithoutCountingAFlap() {
    var spec = spec(10, 1, 100);
    var state =
        FailoverMachine.next(
            RegionTrafficState.active(T0), new RegionSignal(true, true, true, false), T0, spec);
    assertThat(state.stage()).isEqualTo(TrafficStage.FailedOver);
    assertThat(state.failovers()).isEmpty();
  }

  /**
   * Whatever the pattern of outages, a region loses traffic at most maxFlapsPerHour times an hour.
   */
  @Test
  void noPatternOfOutagesMovesTrafficMoreOftenThanTheFlapLimit() {
    var random = new Random(3);
    for (int run = 0; run < 500; run++) {
      int maxFlaps = 1 + random.nextInt(4);
      var spec = spec(1 + random.nextInt(20), maxFlaps, 10, 50, 100);
      var state = RegionTrafficState.active(T0);
      var lost = new ArrayList<Instant>();
      boolean up = true;
      for (int second = 0; second < 3600; second++) {
        if (random.nextInt(4) == 0) {
          up = !up;
        }
        var now = T0.plusSeconds(second);
        var next =
            FailoverMachine.next(
                state, up ? RegionSignal.healthy() : RegionSignal.down(), now, spec);
        if (state.takesTraffic() && !next.takesTraffic()) {
          lost.add(now);
        }
        state = next;
      }
      assertThat(lost.size()).as("flap limit %d", maxFlaps).isLessThanOrEqualTo(maxFlaps);
    }
  }
}
