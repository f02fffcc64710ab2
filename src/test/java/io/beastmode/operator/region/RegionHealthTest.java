package io.beastmode.operator.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.HealthCheck;
import io.beastmode.api.v1alpha1.RegionPhase;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RegionHealthTest {
  static final ProbeResult OK = new ProbeResult(true, 5, 2, 2, null);
  static final ProbeResult DOWN = ProbeResult.unreachable("connection refused");

  static HealthCheck check(int failures, int successes) {
    var check = new HealthCheck();
    check.failureThreshold = failures;
    check.successThreshold = successes;
    return check;
  }

  @Test
  void aNewRegionIsHealthyOnItsFirstGoodProbe() {
    var state = RegionHealth.next(RegionHealth.State.INITIAL, OK, check(3, 2), false);
    assertThat(state.phase()).isEqualTo(RegionPhase.Healthy);
  }

  @Test
  void failsAfterTheThresholdAndRecoversOnlyAfterEnoughSuccesses() {
    var check = check(3, 2);
    var state = RegionHealth.next(RegionHealth.State.INITIAL, OK, check, false);
    state = RegionHealth.next(state, DOWN, check, false);
    state = RegionHealth.next(state, DOWN, check, false);
    assertThat(state.phase()).as("two failures of three").isEqualTo(RegionPhase.Healthy);
    state = RegionHealth.next(state, DOWN, check, false);
    assertThat(state.phase()).isEqualTo(RegionPhase.Unreachable);
    state = RegionHealth.next(state, OK, check, false);
    assertThat(state.phase()).as("one success of two").isEqualTo(RegionPhase.Unreachable);
    state = RegionHealth.next(state, OK, check, false);
    assertThat(state.phase()).isEqualTo(RegionPhase.Healthy);
  }

  @Test
  void routersNotAllReadyIsDegradedAndDrainingWinsOverHealth() {
    var partial = new ProbeResult(true, 5, 1, 3, null);
    var state = RegionHealth.next(RegionHealth.State.INITIAL, partial, check(3, 2), false);
    assertThat(state.phase()).isEqualTo(RegionPhase.Degraded);
    assertThat(RegionHealth.next(state, OK, check(3, 2), true).phase()).isEqualTo(RegionPhase.Draining);
  }

  @Property
  void neverUnreachableWithoutThresholdFailuresInARow(
      @ForAll @Size(max = 40) List<Boolean> probes, @ForAll @IntRange(min = 1, max = 5) int failureThreshold) {
    var check = check(failureThreshold, 2);
    var state = RegionHealth.State.INITIAL;
    int run = 0;
    for (boolean ok : probes) {
      var previous = state.phase();
      state = RegionHealth.next(state, ok ? OK : DOWN, check, false);
      run = ok ? 0 : run + 1;
      if (state.phase() == RegionPhase.Unreachable && previous != RegionPhase.Unreachable) {
        assertThat(run).isGreaterThanOrEqualTo(failureThreshold);
      }
    }
  }

  @Property
  void anUnreachableRegionNeedsThresholdSuccessesInARow(
      @ForAll @Size(max = 40) List<Boolean> probes, @ForAll @IntRange(min = 1, max = 5) int successThreshold) {
    var check = check(1, successThreshold);
    var state = new RegionHealth.State(RegionPhase.Unreachable, 1, 0);
    int run = 0;
    for (boolean ok : probes) {
      var previous = state.phase();
      state = RegionHealth.next(state, ok ? OK : DOWN, check, false);
      run = ok ? run + 1 : 0;
      if (previous == RegionPhase.Unreachable && state.phase() != RegionPhase.Unreachable) {
        assertThat(run).isGreaterThanOrEqualTo(successThreshold);
      }
    }
  }
}
