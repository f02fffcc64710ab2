package io.beastmode.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.FailoverRecord;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.operator.CatalogueOnly;
import io.beastmode.operator.StatusPatch;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.beastmode.operator.resolved.ExampleRouters;
import io.beastmode.operator.resolved.RegionOutcome;
import io.beastmode.operator.traffic.FailoverRecorder.RegionBeats;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FailoverRecorderTest {
  static final Instant APPLIED = Instant.parse("2026-11-21T10:00:00Z");
  static final String NEW = "hash-new";
  static final String OLD = "hash-old";

  static FailoverRecord applied() {
    var record = new FailoverRecord();
    record.region = "eu";
    record.reason = "RegionDown";
    record.detectedAt = APPLIED.minusSeconds(2).toString();
    record.decidedAt = APPLIED.minusSeconds(1).toString();
    record.appliedAt = APPLIED.toString();
    return record;
  }

  static RegionBeats read(String... versions) {
    return new RegionBeats(true, NEW, Arrays.asList(versions));
  }

  static boolean converged(RegionBeats... regions) {
    return FailoverRecorder.converged(Stream.of(regions));
  }

  @Test
  void anAppliedRecordConvergesUntilTheTimeout() {
    assertThat(FailoverRecorder.converging(applied(), APPLIED)).isTrue();
    assertThat(FailoverRecorder.converging(applied(), APPLIED.plusSeconds(30))).isTrue();
    assertThat(FailoverRecorder.converging(applied(), APPLIED.plus(Duration.ofMinutes(2))))
        .as("at the timeout still")
        .isTrue();
    assertThat(
            FailoverRecorder.converging(
                applied(), APPLIED.plus(Duration.ofMinutes(2)).plusMillis(1)))
        .as("past the timeout it is no longer waited for")
        .isFalse();
    assertThat(FailoverRecorder.CONVERGE_TIMEOUT).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void noRecordAConvergedOneOrAnUnappliedOneIsNotConverging() {
    assertThat(FailoverRecorder.converging(null, APPLIED)).isFalse();

    var converged = applied();
    converged.convergedAt = APPLIED.plusSeconds(1).toString();
    assertThat(FailoverRecorder.converging(converged, APPLIED.plusSeconds(2))).isFalse();

    var unapplied = applied();
    unapplied.appliedAt = null;
    assertThat(FailoverRecorder.converging(unapplied, APPLIED)).isFalse();
  }

  @Test
  void convergedWhenEveryFreshHeartbeatRunsTheNewWeights() {
    assertThat(converged(read(NEW, NEW), read(NEW))).isTrue();
    assertThat(converged()).as("no regions").isTrue();
    assertThat(converged(read())).as("no fresh heartbeats: no router behind").isTrue();
  }

  @Test
  void oneRouterOnOtherWeightsHoldsConvergenceUp() {
    assertThat(converged(read(NEW), read(NEW, OLD))).isFalse();
    assertThat(converged(read((String) null)))
        .as("a heartbeat without a trafficVersion is behind")
        .isFalse();
  }

  @Test
  void regionsThatCannotTellDoNotHoldConvergenceUp() {
    assertThat(converged(new RegionBeats(false, NEW, List.of(OLD)), read(NEW)))
        .as("unreachable")
        .isTrue();
    assertThat(converged(new RegionBeats(true, null, List.of(OLD)), read(NEW)))
        .as("no traffic hash written")
        .isTrue();
    assertThat(converged(new RegionBeats(true, NEW, null), read(NEW)))
        .as("heartbeats unreadable or no Redis")
        .isTrue();
    assertThat(converged(new RegionBeats(true, NEW, null), read(OLD)))
        .as("the readable region still decides")
        .isFalse();
  }

  @Test
  void regionsAreLookedAtOnlyUntilOneIsBehind() {
    var looked = new ArrayList<String>();
    var regions =
        Stream.of("eu", "us", "ap")
            .map(
                name -> {
                  looked.add(name);
                  return name.equals("us") ? read(OLD) : read(NEW);
                });
    assertThat(FailoverRecorder.converged(regions)).isFalse();
    assertThat(looked).containsExactly("eu", "us");
  }

  /**
   * The previous record belongs to the status the router carries, which is the informer's cached
   * object and what the new status is compared with before it is patched. Marked converged in
   * place, the two statuses stay equal, the patch is skipped and convergedAt is never written: a
   * failover whose convergence changed nothing else in status never converged.
   */
  @Test
  void convergenceIsANewRecordSoTheStatusPatchSeesIt() {
    var example = ExampleRouters.load();
    var previous = new LLMRouterStatus();
    previous.regions.add(region("eu-west", 100));
    previous.regions.add(region("us-east", 0));
    previous.lastFailover = applied();
    var before = Serialization.asJson(previous);
    var traffic =
        new TrafficDecision(
            Map.of(), Map.of("eu-west", 100, "us-east", 0), Map.of(), null, List.of());
    // Unreachable regions are not waited for: the record converges in this call.
    var outcomes = example.resolved().regions().stream().map(RegionOutcome::unreachable).toList();

    FailoverRecord record;
    try (var hub = CatalogueOnly.absentHub()) {
      record =
          new FailoverRecorder(
                  hub,
                  new RouterHeartbeats(null),
                  new SimpleMeterRegistry(),
                  Clock.fixed(APPLIED.plusSeconds(1), ZoneOffset.UTC))
              .record(example.resolved(), previous, traffic, outcomes, APPLIED.plusSeconds(1));
    }

    assertThat(record.convergedAt).isEqualTo("2026-11-21T10:00:01Z");
    assertThat(Serialization.asJson(previous))
        .as("the status the router carries is left as it was")
        .isEqualTo(before);
    var next = Serialization.clone(previous);
    next.lastFailover = record;
    assertThat(StatusPatch.same(next, previous))
        .as("the status patch has a change to write")
        .isFalse();
  }

  private static RouterRegionStatus region(String name, int weight) {
    var region = new RouterRegionStatus();
    region.name = name;
    region.trafficWeight = weight;
    return region;
  }
}
