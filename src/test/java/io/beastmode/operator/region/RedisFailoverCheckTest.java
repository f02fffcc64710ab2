package io.beastmode.operator.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.Condition;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.operator.Timestamps;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RedisFailoverCheckTest {
  static final Instant NOW = Instant.parse("2026-12-06T20:00:00Z");

  @Test
  void aMasterOtherThanTheOneSeenLastIsAFailoverWithAnEvent() {
    var outcome = RedisFailoverCheck.next("10.0.0.4:6379", null, "10.0.0.5:6379", null, NOW);
    assertThat(outcome.master()).isEqualTo("10.0.0.5:6379");
    assertThat(outcome.condition().status).isEqualTo(ConditionStatus.True);
    assertThat(outcome.condition().reason).isEqualTo("MasterChanged");
    assertThat(outcome.event())
        .isEqualTo("Sentinel promoted 10.0.0.5:6379 to master (was 10.0.0.4:6379)");
  }

  @Test
  void theFirstMasterSeenAndTheSameMasterAgainAreNoFailover() {
    var first = RedisFailoverCheck.next(null, null, "10.0.0.4:6379", null, NOW);
    assertThat(first.condition().status).isEqualTo(ConditionStatus.False);
    assertThat(first.event()).isNull();
    var again =
        RedisFailoverCheck.next("10.0.0.4:6379", first.condition(), "10.0.0.4:6379", null, NOW);
    assertThat(again.condition().status).isEqualTo(ConditionStatus.False);
    assertThat(again.event()).isNull();
  }

  @Test
  void theConditionStaysTrueAWhileAfterTheFailoverWithoutAnotherEvent() {
    var failover = RedisFailoverCheck.next("a:1", null, "b:1", null, NOW).condition();
    failover.lastTransitionTime = Timestamps.format(NOW);
    var soon = RedisFailoverCheck.next("b:1", failover, "b:1", null, NOW.plusSeconds(60));
    assertThat(soon.condition().status).isEqualTo(ConditionStatus.True);
    assertThat(soon.event()).isNull();
    var later =
        RedisFailoverCheck.next(
            "b:1", failover, "b:1", null, NOW.plus(RedisFailoverCheck.SHOWN).plusSeconds(1));
    assertThat(later.condition().status).isEqualTo(ConditionStatus.False);
  }

  @Test
  void sentinelsThatDoNotAnswerKeepTheLastMasterSoAFailoverMeanwhileIsStillSeen() {
    var away = RedisFailoverCheck.next("a:1", null, null, "timed out", NOW);
    assertThat(away.master()).isEqualTo("a:1");
    assertThat(away.condition().status).isEqualTo(ConditionStatus.Unknown);
    var back =
        RedisFailoverCheck.next(
            away.master(), away.condition(), "b:1", null, NOW.plus(Duration.ofMinutes(1)));
    assertThat(back.event()).contains("b:1").contains("was a:1");
  }

  @Test
  void anUnchangedTrueConditionKeepsItsMessage() {
    var previous =
        new Condition(RedisFailoverCheck.TYPE, ConditionStatus.True, "MasterChanged", "m");
    previous.lastTransitionTime = Timestamps.format(NOW);
    assertThat(RedisFailoverCheck.next("b:1", previous, "b:1", null, NOW).condition().message)
        .isEqualTo("m");
  }
}
