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
  static final ProbeResult OK = new ProbeResult(true, 5, 2, 2, null, 2, null);
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
    assertThat(state.serving()).isFalse();
    state = RegionHealth.next(state, OK, check, false);
    assertThat(state.serving()).as("one success of two").isFalse();
    assertThat(state.phase())
        .as("reachable again, not yet serving")
        .isEqualTo(RegionPhase.Degraded);
    state = RegionHealth.next(state, OK, check, false);
    assertThat(state.phase()).isEqualTo(RegionPhase.Healthy);
    assertThat(state.serving()).isTrue();
  }

  @Test
  void routersNotAllReadyIsDegradedAndDrainingWinsOverHealth() {
    var partial = new ProbeResult(true, 5, 1, 3, null, 1, null);
    var state = RegionHealth.next(RegionHealth.State.INITIAL, partial, check(3, 2), false);
    assertThat(state.phase()).isEqualTo(RegionPhase.Degraded);
    assertThat(state.serving()).as("some routers serve").isTrue();
    assertThat(RegionHealth.next(state, OK, check(3, 2), true).phase())
        .isEqualTo(RegionPhase.Draining);
  }

  @Test
  void routersThatStopPublishingHeartbeatsStopTheRegionServingAfterTheThreshold() {
    var check = check(2, 2);
    var silent = new ProbeResult(true, 5, 2, 2, null, 0, null);
    var state = RegionHealth.next(RegionHealth.State.INITIAL, OK, check, false);
    state = RegionHealth.next(state, silent, check, false);
    assertThat(state.serving()).isTrue();
    state = RegionHealth.next(state, silent, check, false);
    assertThat(state.serving()).isFalse();
    assertThat(state.phase())
        .as("the API still answers, so the hub can still repair it")
        .isEqualTo(RegionPhase.Degraded);
  }

  @Test
  void aRedisTheHubCannotReadDegradesTheRegionButKeepsItServing() {
    var unread = new ProbeResult(true, 5, 2, 2, null, null, "connection refused");
    var state = RegionHealth.next(RegionHealth.State.INITIAL, unread, check(1, 1), false);
    state = RegionHealth.next(state, unread, check(1, 1), false);
    assertThat(state.serving()).isTrue();
    assertThat(state.phase()).isEqualTo(RegionPhase.Degraded);
  }

  @Property
  void neverUnreachableWithoutThresholdFailuresInARow(
      @ForAll @Size(max = 40) List<Boolean> probes,
      @ForAll @IntRange(min = 1, max = 5) int failureThreshold) {
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
  void aRegionThatStoppedServingNeedsThresholdSuccessesInARow(
      @ForAll @Size(max = 40) List<Boolean> probes,
      @ForAll @IntRange(min = 1, max = 5) int successThreshold) {
    var check = check(1, successThreshold);
    var state = new RegionHealth.State(RegionPhase.Unreachable, 1, 0, false);
    int run = 0;
    for (boolean ok : probes) {
      boolean wasServing = state.serving();
      state = RegionHealth.next(state, ok ? OK : DOWN, check, false);
      run = ok ? run + 1 : 0;
      if (!wasServing && state.serving()) {
        assertThat(run).isGreaterThanOrEqualTo(successThreshold);
      }
    }
  }

  @Property
  void aServingRegionStopsOnlyAfterThresholdFailuresInARow(
      @ForAll @Size(max = 40) List<Boolean> probes,
      @ForAll @IntRange(min = 1, max = 5) int failureThreshold) {
    var check = check(failureThreshold, 1);
    var state = RegionHealth.next(RegionHealth.State.INITIAL, OK, check, false);
    int run = 0;
    for (boolean ok : probes) {
      boolean wasServing = state.serving();
      state = RegionHealth.next(state, ok ? OK : DOWN, check, false);
      run = ok ? 0 : run + 1;
      if (wasServing && !state.serving()) {
        assertThat(run).isGreaterThanOrEqualTo(failureThreshold);
      }
    }
  }
}
