package io.beastmode.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.FailoverRecord;
import io.beastmode.operator.traffic.FailoverRecorder.RegionBeats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
}
