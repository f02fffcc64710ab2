package io.beastmode.operator.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.AutoscalingSpec;
import io.beastmode.api.v1alpha1.FailoverSpec;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.operator.traffic.RegionTrafficState;
import io.beastmode.operator.traffic.TrafficDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NextCheckTest {
  static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  static AutoscalingSpec autoscaling(boolean enabled, boolean predictive) {
    var spec = new AutoscalingSpec();
    spec.enabled = enabled;
    spec.predictive = predictive;
    return spec;
  }

  static FailoverSpec failover(int failbackAfterSeconds) {
    var spec = new FailoverSpec();
    spec.failbackAfterSeconds = failbackAfterSeconds;
    return spec;
  }

  static RegionTrafficState state(TrafficStage stage, Instant since) {
    return new RegionTrafficState(stage, since, 0, List.of());
  }

  /** A decision with the given states in order: region "r0", "r1", ... */
  static TrafficDecision decision(RegionTrafficState... states) {
    Map<String, RegionTrafficState> byRegion = new LinkedHashMap<>();
    for (int i = 0; i < states.length; i++) {
      byRegion.put("r" + i, states[i]);
    }
    return new TrafficDecision(byRegion, Map.of(), Map.of(), null, List.of());
  }

  static RouterRegionStatus region(TrafficStage stage, Integer ready, Integer min) {
    var status = new RouterRegionStatus();
    status.name = "eu";
    status.trafficStage = stage;
    status.readyReplicas = ready;
    status.minReplicas = min;
    return status;
  }

  static final AutoscalingSpec REACTIVE = autoscaling(true, false);
  static final FailoverSpec FAILOVER = failover(60);
  static final TrafficDecision ALL_ACTIVE =
      decision(RegionTrafficState.active(NOW.minusSeconds(3600)));

  static Duration after(
      AutoscalingSpec autoscaling,
      TrafficDecision traffic,
      boolean allReady,
      List<RouterRegionStatus> regions,
      boolean converging) {
    return NextCheck.after(autoscaling, FAILOVER, traffic, allReady, regions, converging, NOW);
  }

  @Test
  void aReadySteadyRouterIsLookedAtWhenIdle() {
    assertThat(after(REACTIVE, ALL_ACTIVE, true, List.of(), false)).isEqualTo(NextCheck.IDLE);
    assertThat(NextCheck.IDLE).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aRouterThatIsNotReadyIsLookedAtSooner() {
    assertThat(after(REACTIVE, ALL_ACTIVE, false, List.of(), false))
        .isEqualTo(NextCheck.NOT_READY)
        .isLessThan(NextCheck.IDLE);
  }

  @Test
  void predictiveAutoscalingRefreshesTheForecastWhenItIsDue() {
    assertThat(after(autoscaling(true, true), ALL_ACTIVE, true, List.of(), false))
        .isEqualTo(NextCheck.FORECAST)
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(after(autoscaling(true, true), ALL_ACTIVE, false, List.of(), false))
        .as("not ready is sooner than the forecast refresh")
        .isEqualTo(NextCheck.NOT_READY);
    assertThat(after(autoscaling(false, true), ALL_ACTIVE, true, List.of(), false))
        .as("predictive without autoscaling makes no forecast")
        .isEqualTo(NextCheck.IDLE);
  }

  @Test
  void aConvergingFailoverIsCheckedEverySecond() {
    assertThat(after(autoscaling(true, true), ALL_ACTIVE, false, List.of(), true))
        .isEqualTo(NextCheck.CONVERGE)
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aStartingRegionWhoseRoutersAreReadyIsLetInSoon() {
    assertThat(
            after(
                REACTIVE,
                ALL_ACTIVE,
                true,
                List.of(region(TrafficStage.Active, 3, 3), region(TrafficStage.Starting, 3, 3)),
                false))
        .isEqualTo(NextCheck.STARTING)
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(
            after(REACTIVE, ALL_ACTIVE, true, List.of(region(TrafficStage.Starting, 2, 3)), false))
        .as("routers not ready yet: their readiness is an event")
        .isEqualTo(NextCheck.IDLE);
    assertThat(
            after(
                REACTIVE, ALL_ACTIVE, true, List.of(region(TrafficStage.Starting, null, 1)), false))
        .isEqualTo(NextCheck.IDLE);
    assertThat(after(REACTIVE, ALL_ACTIVE, true, List.of(region(TrafficStage.Active, 3, 3)), false))
        .as("only a Starting region waits for the go-ahead")
        .isEqualTo(NextCheck.IDLE);
  }

  @Test
  void aHeldOutRegionIsRecheckedForARelease() {
    var heldOut =
        decision(
            RegionTrafficState.active(NOW.minusSeconds(3600)),
            state(TrafficStage.HeldOut, NOW.minusSeconds(3600)));
    assertThat(after(REACTIVE, heldOut, true, List.of(), false))
        .isEqualTo(NextCheck.RELEASE)
        .isEqualTo(Duration.ofSeconds(5));
    var failedOver = decision(state(TrafficStage.FailedOver, NOW.minusSeconds(3600)));
    assertThat(after(REACTIVE, failedOver, true, List.of(), false))
        .as("a failed-over region recovers on a health event, not a timer")
        .isEqualTo(NextCheck.IDLE);
  }

  @Test
  void aPendingFailbackStepIsCheckedJustAfterItIsDue() {
    // failbackAfterSeconds 60, in the step for 20 s: due in 40 s.
    var expected = Duration.ofSeconds(40).plus(NextCheck.AFTER_DUE);
    assertThat(
            after(
                REACTIVE,
                decision(state(TrafficStage.Recovering, NOW.minusSeconds(20))),
                true,
                List.of(),
                false))
        .isEqualTo(expected);
    assertThat(
            after(
                REACTIVE,
                decision(state(TrafficStage.FailingBack, NOW.minusSeconds(20))),
                false,
                List.of(),
                false))
        .as("40 s to the step, but not ready looks again in 10 s")
        .isEqualTo(NextCheck.NOT_READY);
    assertThat(
            after(
                REACTIVE,
                decision(state(TrafficStage.FailingBack, NOW.minusSeconds(57))),
                false,
                List.of(),
                false))
        .isEqualTo(Duration.ofSeconds(3).plus(NextCheck.AFTER_DUE));
  }

  @Test
  void theSoonestTimedStepOfAllRegionsWins() {
    var traffic =
        decision(
            state(TrafficStage.FailingBack, NOW.minusSeconds(10)),
            state(TrafficStage.Recovering, NOW.minusSeconds(58)),
            state(TrafficStage.HeldOut, NOW.minusSeconds(3600)));
    assertThat(after(REACTIVE, traffic, true, List.of(), true))
        .as("2 s to the Recovering region's step; HeldOut's 5 s and converging's 1 s")
        .isEqualTo(NextCheck.CONVERGE);
    assertThat(after(REACTIVE, traffic, true, List.of(), false))
        .isEqualTo(Duration.ofSeconds(2).plus(NextCheck.AFTER_DUE));
  }

  @Test
  void aStepThatIsDueOrPastDueIsCheckedAlmostAtOnce() {
    for (long inStep : new long[] {60, 61, 3600}) {
      assertThat(
              after(
                  REACTIVE,
                  decision(state(TrafficStage.FailingBack, NOW.minusSeconds(inStep))),
                  true,
                  List.of(),
                  true))
          .as("%d s into a 60 s step, even while converging", inStep)
          .isEqualTo(NextCheck.AFTER_DUE)
          .isPositive();
    }
  }
}
