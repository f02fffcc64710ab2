package io.beastmode.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.api.v1alpha1.FailoverMode;
import io.beastmode.api.v1alpha1.FailoverSpec;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.TrafficStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FailoverPlanTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  static FailoverPlan.Region region(String name, RegionSignal signal, RegionTrafficState previous) {
    return new FailoverPlan.Region(name, signal, previous, 100, 100, 2, 10);
  }

  @Test
  void aDownRegionsShareGoesToTheOthersWhoAreScaledToTakeIt() {
    var spec = new FailoverSpec();
    var plan =
        FailoverPlan.decide(
            List.of(
                region("a", RegionSignal.down(), RegionTrafficState.active(T0)),
                region("b", RegionSignal.healthy(), RegionTrafficState.active(T0)),
                region("c", RegionSignal.healthy(), RegionTrafficState.active(T0))),
            spec,
            T0.plusSeconds(5));
    assertThat(plan.frozen()).isNull();
    assertThat(plan.weights()).containsEntry("a", 0).containsEntry("b", 50).containsEntry("c", 50);
    assertThat(plan.floors()).containsEntry("a", 2).containsEntry("b", 3).containsEntry("c", 3);
    assertThat(plan.changes())
        .containsExactly(
            new TrafficDecision.Change(
                "a", TrafficStage.Active, TrafficStage.FailedOver, "RegionDown"));
  }

  @Test
  void aRegionNewToTheRouterTakesTrafficOnlyOnceItsRoutersAreReadyAndCountsNoFailover() {
    var spec = new FailoverSpec();
    var routersNotReady = new RegionSignal(true, false, false, false);
    var created =
        FailoverPlan.decide(
            List.of(region("a", routersNotReady, null), region("b", routersNotReady, null)),
            spec,
            T0);
    assertThat(created.states().values())
        .extracting(RegionTrafficState::stage)
        .containsOnly(TrafficStage.Starting);
    assertThat(created.weights()).containsEntry("a", 0).containsEntry("b", 0);
    assertThat(created.floors()).containsEntry("a", 2).containsEntry("b", 2);

    // Routers still starting make the region look down: that is no failover and no flap.
    var stillStarting =
        FailoverPlan.decide(
            List.of(
                region("a", RegionSignal.healthy(), created.states().get("a")),
                region(
                    "b", new RegionSignal(false, false, false, false), created.states().get("b"))),
            spec,
            T0.plusSeconds(30));
    assertThat(stillStarting.states().get("b").stage()).isEqualTo(TrafficStage.Starting);
    assertThat(stillStarting.states().get("b").failovers()).isEmpty();
    assertThat(stillStarting.weights()).containsEntry("a", 100).containsEntry("b", 0);
    assertThat(stillStarting.changes())
        .containsExactly(
            new TrafficDecision.Change(
                "a", TrafficStage.Starting, TrafficStage.Active, "RegionActive"));

    // Once ready it takes its full share at once, without the steps of a failback.
    var ready =
        FailoverPlan.decide(
            List.of(
                region("a", RegionSignal.healthy(), stillStarting.states().get("a")),
                region("b", RegionSignal.healthy(), stillStarting.states().get("b"))),
            spec,
            T0.plusSeconds(31));
    assertThat(ready.weights()).containsEntry("a", 50).containsEntry("b", 50);
  }

  @Test
  void aStartingRegionWhoseRoutersAreReadyGoesActiveEvenWhileTrafficIsFrozen() {
    var spec = new FailoverSpec();
    var plan =
        FailoverPlan.decide(
            List.of(
                region(
                    "a",
                    RegionSignal.healthy(),
                    new RegionTrafficState(TrafficStage.Starting, T0, 0, List.of())),
                region(
                    "b",
                    RegionSignal.down(),
                    new RegionTrafficState(TrafficStage.Starting, T0, 0, List.of())),
                region(
                    "c",
                    RegionSignal.down(),
                    new RegionTrafficState(TrafficStage.Starting, T0, 0, List.of()))),
            spec,
            T0.plusSeconds(5));
    assertThat(plan.frozen()).contains("2 of 3 regions");
    assertThat(plan.weights()).containsEntry("a", 100).containsEntry("b", 0).containsEntry("c", 0);
  }

  @Test
  void aRegionBurningItsSloShedsHalfItsShareAndFailsOverOnlyAtItsMostReplicas() {
    var spec = new FailoverSpec();
    var shedding = new RegionSignal(true, false, true, false, true, false);
    var shed =
        FailoverPlan.decide(
            List.of(
                region("a", shedding, RegionTrafficState.active(T0)),
                region("b", RegionSignal.healthy(), RegionTrafficState.active(T0))),
            spec,
            T0.plusSeconds(5));
    assertThat(shed.weights()).containsEntry("a", 25).containsEntry("b", 75);
    assertThat(shed.changes()).isEmpty();

    var overloaded = new RegionSignal(false, false, true, false, true, true);
    var failed =
        FailoverPlan.decide(
            List.of(
                region("a", overloaded, RegionTrafficState.active(T0)),
                region("b", RegionSignal.healthy(), RegionTrafficState.active(T0))),
            spec,
            T0.plusSeconds(5));
    assertThat(failed.weights()).containsEntry("a", 0).containsEntry("b", 100);
    assertThat(failed.changes())
        .containsExactly(
            new TrafficDecision.Change(
                "a", TrafficStage.Active, TrafficStage.FailedOver, "SloBurningAtMaxReplicas"));
  }

  @Test
  void aReleasedRegionThatAlreadyServesStartsRecoveringAtOnce() {
    var spec = new FailoverSpec();
    var held = new RegionTrafficState(TrafficStage.HeldOut, T0, 0, List.of(T0));
    var plan =
        FailoverPlan.decide(
            List.of(
                region("a", new RegionSignal(true, false, true, true), held),
                region("b", RegionSignal.healthy(), RegionTrafficState.active(T0))),
            spec,
            T0.plusSeconds(5));
    assertThat(plan.states().get("a").stage()).isEqualTo(TrafficStage.Recovering);
    assertThat(plan.states().get("a").failovers()).isEmpty();
    assertThat(plan.changes())
        .extracting(TrafficDecision.Change::reason)
        .containsExactly("HoldReleased", "RegionServing");
  }

  @Test
  void moreThanHalfTheRegionsDownAtOnceFreezesTraffic() {
    var spec = new FailoverSpec();
    var plan =
        FailoverPlan.decide(
            List.of(
                region("a", RegionSignal.down(), RegionTrafficState.active(T0)),
                region("b", RegionSignal.down(), RegionTrafficState.active(T0)),
                region("c", RegionSignal.healthy(), RegionTrafficState.active(T0))),
            spec,
            T0.plusSeconds(5));
    assertThat(plan.frozen()).contains("2 of 3 regions");
    assertThat(plan.changes()).isEmpty();
    assertThat(plan.weights()).containsEntry("a", 34).containsEntry("b", 33).containsEntry("c", 33);
  }

  @Test
  void aRecoveringRegionIsScaledUpBeforeItTakesTraffic() {
    var spec = new FailoverSpec();
    spec.mode = FailoverMode.activePassive;
    var recovering = new RegionTrafficState(TrafficStage.Recovering, T0, 0, List.of());
    var plan =
        FailoverPlan.decide(
            List.of(
                new FailoverPlan.Region(
                    "primary", RegionSignal.healthy(), recovering, 100, 1, 1, 10),
                new FailoverPlan.Region(
                    "standby",
                    RegionSignal.healthy(),
                    RegionTrafficState.active(T0),
                    100,
                    2,
                    1,
                    10)),
            spec,
            T0.plusSeconds(1));
    assertThat(plan.weights()).containsEntry("primary", 0).containsEntry("standby", 100);
    assertThat(plan.floors()).containsEntry("primary", 2).containsEntry("standby", 2);
  }

  /**
   * A hub that restarts mid-failover reads the states back from status and, given the same signals,
   * decides exactly what it had decided: no step is taken twice.
   */
  @Test
  void statesReadBackFromStatusResumeWithoutDoubleMoves() throws Exception {
    var mapper = new ObjectMapper();
    var random = new Random(11);
    var spec = new FailoverSpec();
    spec.failbackAfterSeconds = 5;
    var names = List.of("a", "b", "c");
    Map<String, RegionTrafficState> states = Map.of();
    for (int second = 0; second < 600; second++) {
      var now = T0.plusSeconds(second);
      var regions = new ArrayList<FailoverPlan.Region>();
      for (var name : names) {
        var signal = random.nextInt(10) == 0 ? RegionSignal.down() : RegionSignal.healthy();
        regions.add(region(name, signal, states.get(name)));
      }
      var plan = FailoverPlan.decide(regions, spec, now);
      var restored = new ArrayList<FailoverPlan.Region>();
      for (var r : regions) {
        var status = new RouterRegionStatus();
        TrafficStatus.write(plan.states().get(r.name()), status);
        var readBack =
            mapper.readValue(mapper.writeValueAsString(status), RouterRegionStatus.class);
        restored.add(region(r.name(), r.signal(), TrafficStatus.read(readBack)));
      }
      var again = FailoverPlan.decide(restored, spec, now);
      assertThat(again.changes()).as("second %d", second).isEmpty();
      assertThat(again.weights()).isEqualTo(plan.weights());
      states = plan.states();
    }
  }
}
